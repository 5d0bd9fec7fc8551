//! The period report in a warm process, as the web server will hold it: the facts are read
//! from the store once into a report engine, then reports are computed again and again. The
//! engine's report is checked against a one-off build of the same facts.
//!
//! cargo bench -p cadre --bench warm_report -- DATABASE_URL FROM TO [RUNS]
//! Prints: load seconds, then min / median / max milliseconds of the computation.

use std::time::Instant;

use cadre_core::report::{build, Engine, Period};
use cadre_core::Date;
use cadre_store::Store;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [url, from, to, rest @ ..] = args.as_slice() else {
        eprintln!("usage: warm_report DATABASE_URL FROM TO [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = rest.first().and_then(|r| r.parse().ok()).unwrap_or(30);
    let period = Period::new(Date::parse(from).unwrap(), Date::parse(to).unwrap()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let input = rt.block_on(async {
        let store = Store::open(url).await.unwrap();
        store.report_input(period).await.unwrap()
    });
    let load = started.elapsed().as_secs_f64();
    let once = build(period, &input);
    let t = Instant::now();
    let mut engine = Engine::new(input.clone());
    let warm_up = t.elapsed().as_secs_f64();
    let mut times = Vec::with_capacity(runs);
    let mut persons = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let report = engine.report(period);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(report == once, "the engine and a one-off build disagree");
        persons = report.persons;
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "load {load:.3} s, engine {warm_up:.3} s; report min {:.1} ms, median {:.1} ms, max {:.1} ms over {runs} runs ({persons} persons)",
        times[0],
        times[runs / 2],
        times[runs - 1]
    );

    // An edit of one training, as the web application puts it into its engine: the training
    // with the most attendees, its value changed (alternately), then the period's report.
    let Some(biggest) = input
        .trainings
        .iter()
        .max_by_key(|t| t.participants.len())
        .cloned()
    else {
        return;
    };
    let mut updates = Vec::with_capacity(runs);
    let mut edited = input.clone();
    for run in 0..runs {
        let mut t = biggest.clone();
        t.record.value = Some(cadre_core::Money::from_cents(run as i64 * 100));
        t.record.title = format!("{} (edit {run})", biggest.record.title);
        let at = edited.trainings.iter().position(|x| x.id == t.id).unwrap();
        edited.trainings[at] = t.clone();
        let started = Instant::now();
        engine.put_training(t);
        updates.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    assert!(
        engine.report(period) == build(period, &edited),
        "the engine after the edits and a build of the edited facts disagree"
    );
    updates.sort_by(|a, b| a.total_cmp(b));
    println!(
        "edit of one training ({} attendees) put into the engine: min {:.2} ms, median {:.2} ms, max {:.2} ms over {runs} edits",
        biggest.participants.len(),
        updates[0],
        updates[runs / 2],
        updates[runs - 1]
    );
}
