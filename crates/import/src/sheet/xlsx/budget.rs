//! Budgets on what a workbook may inflate to: every part is read through a reader that counts
//! its bytes against the workbook's limit, and the length of each text or tag between angle
//! brackets, which the XML reader would otherwise hold whole.

use std::io::Read;

/// A reader of one part that refuses to inflate past what is left of the workbook's budget.
pub(super) struct Budget<'a, R> {
    pub(super) inner: R,
    pub(super) used: &'a mut u64,
    pub(super) limit: u64,
    pub(super) run: usize,
}

impl<R: Read> Read for Budget<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        *self.used += n as u64;
        if *self.used > self.limit {
            return Err(std::io::Error::other(BudgetSpent(self.limit)));
        }
        markup_run(&mut self.run, &buf[..n])?;
        Ok(n)
    }
}

/// The longest run of XML between two angle brackets: a cell's text (32,767 characters, each
/// at most six bytes as written) or a tag fits well within it. The XML reader holds a whole
/// text or tag before it can be looked at, so a longer one is refused as it streams in.
const MAX_MARKUP_RUN: usize = 1 << 20;

/// Counts the bytes since the last `<` or `>`, refusing a run past [`MAX_MARKUP_RUN`].
pub(super) fn markup_run(run: &mut usize, data: &[u8]) -> std::io::Result<()> {
    match memchr::memrchr2(b'<', b'>', data) {
        Some(last) => {
            let first = memchr::memchr2(b'<', b'>', data).unwrap_or(last);
            if *run + first > MAX_MARKUP_RUN {
                return Err(std::io::Error::other(BudgetSpent(0)));
            }
            *run = data.len() - last - 1;
        }
        None => *run += data.len(),
    }
    if *run > MAX_MARKUP_RUN {
        return Err(std::io::Error::other(BudgetSpent(0)));
    }
    Ok(())
}

#[derive(Debug)]
pub(super) struct BudgetSpent(pub(super) u64);

impl std::fmt::Display for BudgetSpent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 == 0 {
            return write!(
                f,
                "the workbook holds a text or tag longer than {MAX_MARKUP_RUN} bytes (the limit): it is not read"
            );
        }
        write!(
            f,
            "the workbook inflates to more than {} bytes (the limit): it is not read",
            self.0
        )
    }
}

impl std::error::Error for BudgetSpent {}

/// As [`Budget`], owning its count: the sheet's reader lives on after the workbook.
pub(super) struct OwnedBudget {
    pub(super) inner: Box<dyn Read + Send>,
    pub(super) used: u64,
    pub(super) limit: u64,
    pub(super) run: usize,
}

impl Read for OwnedBudget {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.used += n as u64;
        if self.used > self.limit {
            return Err(std::io::Error::other(BudgetSpent(self.limit)));
        }
        markup_run(&mut self.run, &buf[..n])?;
        Ok(n)
    }
}
