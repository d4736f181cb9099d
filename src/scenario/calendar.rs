//! The horizon in months and the calendar years they fall in (MODEL.md 2,
//! 11): month `t` counts from the scenario's start month; yearly outputs are
//! per calendar year, so a horizon that starts in July touches one more year
//! than it has years.

use crate::resolve::plain;

/// A horizon of `years` whole years from `start_month` (1–12) of `start_year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    pub start_year: i32,
    pub start_month: u32,
    pub years: u32,
}

plain!(Calendar);

impl Calendar {
    /// Number of monthly steps.
    pub fn months(&self) -> usize {
        self.years as usize * 12
    }

    /// Index of month `t` counted from January of the start year.
    fn month_of_start_year(&self, t: usize) -> usize {
        self.start_month as usize - 1 + t
    }

    /// Index into [`Self::years_touched`] of month `t`.
    pub fn year_index(&self, t: usize) -> usize {
        self.month_of_start_year(t) / 12
    }

    /// Number of calendar years the horizon touches.
    pub fn n_years(&self) -> usize {
        self.year_index(self.months() - 1) + 1
    }

    /// The calendar years the horizon touches.
    pub fn years_touched(&self) -> Vec<i32> {
        (0..self.n_years())
            .map(|y| self.start_year + y as i32)
            .collect()
    }

    /// For each calendar year, how many months of the horizon fall in it.
    pub fn months_in_year(&self) -> Vec<usize> {
        let mut out = vec![0; self.n_years()];
        for t in 0..self.months() {
            out[self.year_index(t)] += 1;
        }
        out
    }

    /// `"YYYY-MM"` of every month of the horizon.
    pub fn month_labels(&self) -> Vec<String> {
        (0..self.months())
            .map(|t| {
                let m = self.month_of_start_year(t);
                label(self.start_year + (m / 12) as i32, m as u32 % 12 + 1)
            })
            .collect()
    }

    /// `"YYYY-MM"` of the start month.
    pub fn start_label(&self) -> String {
        label(self.start_year, self.start_month)
    }

    /// Month index of `(year, month)` relative to the start (negative before it).
    pub fn month_index(&self, (year, month): (i32, u32)) -> i64 {
        (i64::from(year) - i64::from(self.start_year)) * 12
            + (i64::from(month) - i64::from(self.start_month))
    }
}

fn label(year: i32, month: u32) -> String {
    format!("{year:04}-{month:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_horizon_from_march_touches_one_year_more() {
        let c = Calendar {
            start_year: 2018,
            start_month: 3,
            years: 5,
        };
        assert_eq!(c.months(), 60);
        assert_eq!(c.years_touched(), (2018..=2023).collect::<Vec<_>>());
        assert_eq!((c.year_index(9), c.year_index(10)), (0, 1));
        assert_eq!(c.months_in_year(), vec![10, 12, 12, 12, 12, 2]);
        let labels = c.month_labels();
        assert_eq!(labels.len(), 60);
        assert_eq!(
            (labels[0].as_str(), labels[10].as_str()),
            ("2018-03", "2019-01")
        );
        assert_eq!(labels[59], "2023-02");
        assert_eq!(c.start_label(), "2018-03");
        assert_eq!(c.month_index((2019, 1)), 10);
        assert_eq!(c.month_index((2017, 12)), -3);
    }

    #[test]
    fn a_horizon_from_january_touches_its_years() {
        let c = Calendar {
            start_year: 2017,
            start_month: 1,
            years: 2,
        };
        assert_eq!(c.years_touched(), vec![2017, 2018]);
        assert_eq!(c.months_in_year(), vec![12, 12]);
    }
}
