//! A county's profile: its name, code and population, and the numbers the
//! sampling plan caps and floors by.

use chrono::{DateTime, Utc};

/// One county of the deployment, as stored. A row whose profile was never
/// entered has `profile_set` false (and no meaningful figures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct County {
    pub id: i64,
    pub name: String,
    /// 行政区划代码, 6 or 12 digits.
    pub admin_code: String,
    /// 常住人口.
    pub resident_population: i64,
    /// 人大代表 in the county; none: not entered (no cap on the plan).
    pub deputies: Option<i32>,
    /// 政协委员 in the county; none: not entered.
    pub cppcc_members: Option<i32>,
    /// Apply the older floor of 600 questionnaires under 400,000 residents.
    pub small_county_floor: bool,
    pub updated_at: DateTime<Utc>,
    /// False until the profile is entered (the row exists from the start).
    pub profile_set: bool,
    /// The county-level node of the region tree this county is.
    pub region_id: Option<i64>,
}
