use crate::config::ProjectConfig;
use crate::plan::Plan;
use crate::spec::{Domain, Domains};
pub fn plan(_c: &ProjectConfig, _d: &Domain, _all: &Domains) -> Plan {
    Plan::default()
}
