//! Following, on PostgreSQL, the data versions other cadre processes write: every write's
//! `bump` announces its new version on the schema's channel (`cadre_<schema>`), and a listener
//! here passes them on, so that a node behind a load balancer brings its report engine up to
//! date as soon as another node's edit commits rather than when its next request asks.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use super::Db;
use crate::Result;

/// Starts listening; the versions arrive on the receiver until it is dropped.
pub(crate) async fn follow(pool: &sqlx::Pool<Db>) -> Result<mpsc::Receiver<i64>> {
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(pool)
        .await?;
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(&format!("cadre_{schema}")).await?;
    let (versions, receiver) = mpsc::channel(64);
    let pool = pool.clone();
    tokio::spawn(async move {
        loop {
            let heard = tokio::select! {
                _ = versions.closed() => break,
                heard = listener.try_recv() => heard,
            };
            let version = match heard {
                Ok(Some(note)) => note.payload().parse().ok(),
                // The connection was lost, and is made again at the next call: what was
                // announced meanwhile went unheard, so the version is read instead.
                Ok(None) => super::edit::data_version(&pool).await.ok(),
                Err(_) => {
                    // The server is away: try again shortly, without spinning.
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    None
                }
            };
            if let Some(v) = version {
                if versions.send(v).await.is_err() {
                    break;
                }
            }
        }
    });
    Ok(receiver)
}
