//! Reading the HSDS tables of an import into one draft per service, each value with the
//! place it came from, so that a problem found later (a bad name, an unknown region, an
//! organisation that does not exist) is reported at its file, line and column.

use std::collections::{HashMap, HashSet};

use pulih_domain::ids::ServiceId;
use pulih_domain::referral::ServiceType;

use super::hsds::{
    AREA_URI, ATTRIBUTES, HsdsFiles, ORGANIZATIONS, PHONES, Row, SCHEDULES, SERVICE_AREAS,
    SERVICES, TAXONOMY_TERMS, Table, at, read,
};
use crate::Problem;

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The value, trimmed.
    pub value: String,
    /// Its file.
    pub file: &'static str,
    /// Its line.
    pub line: u64,
    /// Its column.
    pub column: &'static str,
}

impl Placed {
    fn new(value: &str, file: &'static str, line: u64, column: &'static str) -> Self {
        Self {
            value: value.to_owned(),
            file,
            line,
            column,
        }
    }

    /// A problem with this value.
    pub fn problem(&self, key: &'static str) -> Problem {
        at(self.file, self.line, self.column, key)
    }
}

/// One service of an import as read, not yet checked.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Its id (HSDS `services.id`, kept as ours).
    pub id: ServiceId,
    /// Its line in `services.csv`.
    pub line: u64,
    /// `services.organization_id`.
    pub org_id: Placed,
    /// The organisation's name in `organizations.csv`, when it has a row there.
    pub org_name: Option<String>,
    /// Its name.
    pub name: Placed,
    /// Its service type key, from its attribute's taxonomy term.
    pub service: Option<Placed>,
    /// Codes of its areas, from `service_areas.uri`.
    pub areas: Vec<Placed>,
    /// The `capacity` extension column.
    pub capacity: Placed,
    /// Its first phone number, else its e-mail.
    pub contact: Placed,
    /// Its first schedule's description.
    pub hours: Option<Placed>,
}

/// What the files hold: the drafts, and how many services were left out because their
/// status is not `active`.
pub struct Read {
    /// One per active service, in file order.
    pub drafts: Vec<Draft>,
    /// Services not active.
    pub skipped: usize,
}

/// Reads every table; refuses with every problem of structure or reference found (a
/// missing file or column, a bad id, a row naming a service that is not in the file).
pub fn read_drafts(files: &HsdsFiles) -> Result<Read, Vec<Problem>> {
    let mut problems = Vec::new();
    let orgs = read(files, ORGANIZATIONS, &["id", "name"], false, &mut problems);
    let services = read(
        files,
        SERVICES,
        &["id", "organization_id", "name"],
        false,
        &mut problems,
    );
    let areas = read(
        files,
        SERVICE_AREAS,
        &["service_id", "uri"],
        false,
        &mut problems,
    );
    let terms = read(files, TAXONOMY_TERMS, &["id", "code"], false, &mut problems);
    let attributes = read(
        files,
        ATTRIBUTES,
        &["link_id", "taxonomy_term_id"],
        false,
        &mut problems,
    );
    let phones = read(
        files,
        PHONES,
        &["service_id", "number"],
        true,
        &mut problems,
    );
    let schedules = read(
        files,
        SCHEDULES,
        &["service_id", "description"],
        true,
        &mut problems,
    );
    let (
        Some(orgs),
        Some(services),
        Some(areas),
        Some(terms),
        Some(attributes),
        Some(phones),
        Some(schedules),
    ) = (orgs, services, areas, terms, attributes, phones, schedules)
    else {
        return Err(problems);
    };
    let org_names: HashMap<&str, &str> = orgs
        .rows
        .iter()
        .map(|r| (orgs.get(r, "id"), orgs.get(r, "name")))
        .collect();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut inactive: HashSet<String> = HashSet::new();
    for row in &services.rows {
        let id_text = services.get(row, "id");
        let Ok(id) = id_text.parse::<ServiceId>() else {
            problems.push(at(SERVICES, row.line, "id", "invalid.hsds_id"));
            continue;
        };
        let key = id.to_string();
        if index.contains_key(&key) || inactive.contains(&key) {
            problems.push(at(SERVICES, row.line, "id", "invalid.hsds_id_repeated"));
            continue;
        }
        let status = services.get(row, "status");
        if !(status.is_empty() || status.eq_ignore_ascii_case("active")) {
            inactive.insert(key);
            continue;
        }
        let org_id = services.get(row, "organization_id");
        let place = |column| Placed::new(services.get(row, column), SERVICES, row.line, column);
        index.insert(key, drafts.len());
        drafts.push(Draft {
            id,
            line: row.line,
            org_id: place("organization_id"),
            org_name: org_names.get(org_id).map(|n| (*n).to_owned()),
            name: place("name"),
            service: None,
            areas: Vec::new(),
            capacity: place("capacity"),
            contact: place("email"),
            hours: None,
        });
    }
    // the child tables: each row names its service; rows of inactive services are ignored
    let owners = Owners {
        index: &index,
        inactive: &inactive,
    };
    let mut phone_seen = vec![false; drafts.len()];
    for row in &phones.rows {
        if let Some(i) = owners.of(&phones, row, "service_id", &mut problems)
            && !phone_seen[i]
        {
            phone_seen[i] = true;
            drafts[i].contact = Placed::new(phones.get(row, "number"), PHONES, row.line, "number");
        }
    }
    for row in &schedules.rows {
        if let Some(i) = owners.of(&schedules, row, "service_id", &mut problems)
            && drafts[i].hours.is_none()
        {
            let text = schedules.get(row, "description");
            drafts[i].hours = Some(Placed::new(text, SCHEDULES, row.line, "description"));
        }
    }
    for row in &areas.rows {
        if let Some(i) = owners.of(&areas, row, "service_id", &mut problems) {
            let uri = areas.get(row, "uri");
            let code = uri.strip_prefix(AREA_URI).unwrap_or(uri);
            drafts[i]
                .areas
                .push(Placed::new(code, SERVICE_AREAS, row.line, "uri"));
        }
    }
    let term_codes: HashMap<&str, &str> = terms
        .rows
        .iter()
        .map(|r| (terms.get(r, "id"), terms.get(r, "code")))
        .collect();
    for row in &attributes.rows {
        let entity = attributes.get(row, "link_entity");
        if !(entity.is_empty() || entity == "service") {
            continue;
        }
        let term = attributes.get(row, "taxonomy_term_id");
        let Some(code) = term_codes.get(term) else {
            problems.push(at(
                ATTRIBUTES,
                row.line,
                "taxonomy_term_id",
                "invalid.hsds_term_unknown",
            ));
            continue;
        };
        if ServiceType::parse(code).is_err() {
            continue; // a term of another taxonomy
        }
        if let Some(i) = owners.of(&attributes, row, "link_id", &mut problems) {
            let placed = Placed::new(code, ATTRIBUTES, row.line, "taxonomy_term_id");
            match &drafts[i].service {
                Some(before) if before.value != *code => {
                    problems.push(placed.problem("invalid.hsds_service_type_many"));
                }
                _ => drafts[i].service = Some(placed),
            }
        }
    }
    if problems.is_empty() {
        Ok(Read {
            drafts,
            skipped: inactive.len(),
        })
    } else {
        Err(problems)
    }
}

/// Finds the draft a child row belongs to.
struct Owners<'a> {
    index: &'a HashMap<String, usize>,
    inactive: &'a HashSet<String>,
}

impl Owners<'_> {
    /// The draft named in `column` of `row`; none for an inactive service, and none with
    /// a problem for a service not in the file.
    fn of(
        &self,
        table: &Table,
        row: &Row,
        column: &'static str,
        problems: &mut Vec<Problem>,
    ) -> Option<usize> {
        let key = table
            .get(row, column)
            .parse::<ServiceId>()
            .map(|i| i.to_string())
            .ok();
        match key.as_ref().and_then(|k| self.index.get(k)) {
            Some(i) => Some(*i),
            None if key.is_some_and(|k| self.inactive.contains(&k)) => None,
            None => {
                problems.push(at(
                    table.file,
                    row.line,
                    column,
                    "invalid.hsds_service_unknown",
                ));
                None
            }
        }
    }
}
