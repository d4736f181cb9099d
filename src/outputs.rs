//! The per-draw output row: per-calendar-year accumulators, NPV and break-even.
//!
//! Each draw writes one row of `width()` numbers. A row is a sequence of
//! blocks of one value per calendar year, then two scalars (NPV, break-even);
//! `blocks()` names them so the Python side can take views without copying.

/// Which arm a block belongs to, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arm {
    Baseline = 0,
    Intervention = 1,
}

pub const ARMS: [Arm; 2] = [Arm::Baseline, Arm::Intervention];

impl Arm {
    pub fn name(self) -> &'static str {
        match self {
            Arm::Baseline => "baseline",
            Arm::Intervention => "intervention",
        }
    }
}

/// Column layout of a draw's row.
#[derive(Debug, Clone)]
pub struct Layout {
    pub n_years: usize,
    pub n_dest: usize,
}

// Blocks shared by both arms.
pub const INVESTMENT: usize = 0;
pub const SAVINGS: usize = 1;
pub const NET: usize = 2;
pub const EXTRA_JOB_EDUCATION: usize = 3;
pub const INFLOW: usize = 4;
const SHARED_BLOCKS: usize = 5;
/// Per-arm blocks before the flows: cost, three cost parts, relapse.
const ARM_FIXED_BLOCKS: usize = 5;

/// The parts an arm's cost is made of, under the run's perspective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostPart {
    /// Benefit payments (forsørgelse) after refusion.
    Benefit = 0,
    /// The jobcenter's effort per person on benefit (`indsats_month`).
    Effort = 1,
    /// Costs of persons in the destinations.
    Destinations = 2,
}

impl Layout {
    pub fn new(n_years: usize, n_dest: usize) -> Self {
        Layout { n_years, n_dest }
    }

    /// Blocks per arm: cost, its parts (benefit payments, jobcenter effort,
    /// destinations), relapse, one flow per destination, one average stock per
    /// state (benefit, then the destinations).
    fn arm_blocks(&self) -> usize {
        ARM_FIXED_BLOCKS + self.n_dest + 1 + self.n_dest
    }

    fn block(&self, b: usize, y: usize) -> usize {
        b * self.n_years + y
    }

    fn arm_block(&self, arm: Arm, b: usize, y: usize) -> usize {
        self.block(SHARED_BLOCKS + arm as usize * self.arm_blocks() + b, y)
    }

    pub fn shared(&self, block: usize, y: usize) -> usize {
        self.block(block, y)
    }
    pub fn cost(&self, arm: Arm, y: usize) -> usize {
        self.arm_block(arm, 0, y)
    }
    /// Part of the cost: see [`CostPart`].
    pub fn cost_part(&self, arm: Arm, part: CostPart, y: usize) -> usize {
        self.arm_block(arm, 1 + part as usize, y)
    }
    pub fn relapse(&self, arm: Arm, y: usize) -> usize {
        self.arm_block(arm, 4, y)
    }
    pub fn flow(&self, arm: Arm, k: usize, y: usize) -> usize {
        self.arm_block(arm, ARM_FIXED_BLOCKS + k, y)
    }
    /// Average stock of state `s` (0 = benefit, 1 + k = destination k).
    pub fn stock(&self, arm: Arm, s: usize, y: usize) -> usize {
        self.arm_block(arm, ARM_FIXED_BLOCKS + self.n_dest + s, y)
    }
    pub fn npv(&self) -> usize {
        (SHARED_BLOCKS + 2 * self.arm_blocks()) * self.n_years
    }
    pub fn break_even(&self) -> usize {
        self.npv() + 1
    }
    pub fn width(&self) -> usize {
        self.npv() + 2
    }

    /// `(name, arm, first column)` of every per-year block, in row order;
    /// destination names fill in the flow and stock blocks.
    pub fn blocks(&self, destinations: &[String]) -> Vec<(String, Option<Arm>, usize)> {
        let mut out = Vec::new();
        for (b, name) in [
            "investment",
            "savings",
            "net",
            "extra_job_education",
            "inflow",
        ]
        .iter()
        .enumerate()
        {
            out.push((name.to_string(), None, self.shared(b, 0)));
        }
        for arm in ARMS {
            out.push(("cost".into(), Some(arm), self.cost(arm, 0)));
            out.push((
                "cost.benefit".into(),
                Some(arm),
                self.cost_part(arm, CostPart::Benefit, 0),
            ));
            out.push((
                "cost.effort".into(),
                Some(arm),
                self.cost_part(arm, CostPart::Effort, 0),
            ));
            out.push((
                "cost.destinations".into(),
                Some(arm),
                self.cost_part(arm, CostPart::Destinations, 0),
            ));
            out.push(("relapse".into(), Some(arm), self.relapse(arm, 0)));
            for (k, d) in destinations.iter().enumerate() {
                out.push((format!("flow.{d}"), Some(arm), self.flow(arm, k, 0)));
            }
            out.push(("stock.benefit".into(), Some(arm), self.stock(arm, 0, 0)));
            for (k, d) in destinations.iter().enumerate() {
                out.push((format!("stock.{d}"), Some(arm), self.stock(arm, 1 + k, 0)));
            }
        }
        out
    }
}

/// Tracks cumulative net to find the break-even month (MODEL.md 7, 11.11):
/// the first month whose cumulative net is ≤ 0 and stays ≤ 0 to the horizon.
#[derive(Debug, Default, Clone)]
pub struct BreakEven {
    cumulative: f64,
    last_positive: Option<usize>,
}

impl BreakEven {
    pub fn push(&mut self, t: usize, net: f64) {
        self.cumulative += net;
        // NaN is not "at or below zero": such a draw never breaks even.
        if self.cumulative > 0.0 || self.cumulative.is_nan() {
            self.last_positive = Some(t);
        }
    }

    /// Month index, or −1 when cumulative net is still positive at the end.
    pub fn month(&self, months: usize) -> f64 {
        match self.last_positive {
            None => 0.0,
            Some(t) if t + 1 < months => (t + 1) as f64,
            Some(_) => -1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_even_rules() {
        let mut b = BreakEven::default();
        for (t, net) in [5.0, -2.0, -4.0, 1.0, -1.0].into_iter().enumerate() {
            b.push(t, net);
        }
        // cumulative: 5, 3, -1, 0, -1 → ≤ 0 from month 2 on.
        assert_eq!(b.month(5), 2.0);
        let mut never = BreakEven::default();
        never.push(0, 1.0);
        never.push(1, 0.5);
        assert_eq!(never.month(2), -1.0);
        let mut nan = BreakEven::default();
        nan.push(0, -1.0);
        nan.push(1, f64::NAN);
        assert_eq!(nan.month(2), -1.0);
        let mut at_once = BreakEven::default();
        at_once.push(0, -1.0);
        assert_eq!(at_once.month(1), 0.0);
    }

    #[test]
    fn layout_blocks_do_not_overlap() {
        let l = Layout::new(4, 6);
        let names: Vec<String> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut starts: Vec<usize> = l.blocks(&names).iter().map(|b| b.2).collect();
        starts.sort_unstable();
        for w in starts.windows(2) {
            assert_eq!(w[1] - w[0], 4);
        }
        assert_eq!(*starts.last().unwrap() + 4, l.npv());
        assert_eq!(l.width(), l.npv() + 2);
    }
}
