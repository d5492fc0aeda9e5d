//! The partner directory in and out as Open Referral HSDS tables (`docs/HSDS.md`): the
//! export of the services a user may see, and the import by administrators and
//! coordinators — authorised before the zip is read, unpacked and parsed off the async
//! threads — checked whole before anything is stored.

use std::collections::{BTreeMap, HashMap};

use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::clinical::FieldError;
use pulih_domain::directory::ServiceListing;
use pulih_domain::ids::OrgId;
use pulih_domain::region::RegionCode;
use pulih_store::{Organisation, PartnerService};
use serde::Serialize;
use serde_json::json;

use super::hsds::{self, HsdsFiles, SERVICES};
use super::rows::{Draft, Placed, read_drafts};
use crate::{App, AppError, AppResult, Origin, Problem, Record, Upload};

/// Most problems of an import reported at once; the rest are counted.
const MAX_REPORTED: usize = 100;

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DirectoryImport {
    /// Services listed before that the file did not change.
    pub unchanged: usize,
    /// New services.
    pub added: usize,
    /// Services listed before that the file changed.
    pub changed: usize,
    /// Services in the file left out because their status is not `active`.
    pub skipped: usize,
}

impl App {
    /// The services of the organisations in the actor's scope (a partner: its own
    /// organisation's) as a zip of HSDS CSV tables.
    #[tracing::instrument(skip_all)]
    pub async fn export_services(&self, actor: &Actor) -> AppResult<Vec<u8>> {
        authorize(actor, Action::FindServices, &actor.scope)?;
        let own = (actor.role == Role::Partner).then_some(actor.org_id);
        let services = self.store.services_of_orgs(&actor.scope, own).await?;
        let orgs: BTreeMap<OrgId, Organisation> = self
            .store
            .list_orgs(&actor.scope)
            .await?
            .into_iter()
            .filter(|o| services.iter().any(|s| s.org == o.id))
            .map(|o| (o.id, o))
            .collect();
        let mut area_names: HashMap<RegionCode, String> = HashMap::new();
        for code in services.iter().flat_map(|s| &s.areas) {
            if !area_names.contains_key(code) {
                let name = self.region_row(code).await?.map(|r| r.name);
                area_names.insert(code.clone(), name.unwrap_or_default());
            }
        }
        tokio::task::spawn_blocking(move || {
            super::export::write_tables(&services, &orgs, &area_names)
        })
        .await
        .map_err(|e| AppError::Internal(format!("export task: {e}")))?
        .map_err(|e| AppError::Internal(format!("export tables: {e}")))
    }

    /// Imports services from a zip of HSDS tables sent by `actor`, who is authorised
    /// before the zip is read; it is unpacked off the async threads, within the caps of
    /// [`HsdsFiles::from_zip`], then imported as [`Self::import_services`] does.
    #[tracing::instrument(skip_all)]
    pub async fn import_services_zip(
        &self,
        actor: &Actor,
        zip: Upload,
        origin: &Origin,
    ) -> AppResult<DirectoryImport> {
        authorize(actor, Action::ImportServices, &actor.scope)?;
        let bytes = zip.bytes().await?;
        let files = tokio::task::spawn_blocking(move || HsdsFiles::from_zip(&bytes))
            .await
            .map_err(|e| AppError::Internal(format!("zip task: {e}")))?
            .map_err(|p| AppError::Invalid(vec![p]))?;
        self.import_services(actor, files, origin).await
    }

    /// Imports services from HSDS tables: every row is checked first (the tables and
    /// their references, each listing, the organisation — by id, else by exact name —
    /// in the actor's scope, the regions) and any problem stores nothing, each named by
    /// file, line and column. A service keeps its HSDS id, so importing the same file
    /// again changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn import_services(
        &self,
        actor: &Actor,
        files: HsdsFiles,
        origin: &Origin,
    ) -> AppResult<DirectoryImport> {
        authorize(actor, Action::ImportServices, &actor.scope)?;
        if files.is_empty() {
            return Err(AppError::invalid("file", "invalid.hsds_empty"));
        }
        let read = tokio::task::spawn_blocking(move || read_drafts(&files))
            .await
            .map_err(|e| AppError::Internal(format!("tables task: {e}")))?
            .map_err(refusal)?;
        let in_scope = self.store.list_orgs(&actor.scope).await?;
        let mut problems = Vec::new();
        let mut regions: HashMap<String, bool> = HashMap::new();
        let mut summary = DirectoryImport {
            skipped: read.skipped,
            ..DirectoryImport::default()
        };
        let mut writes = Vec::new();
        for draft in &read.drafts {
            let org = self.organisation(draft, &in_scope, &mut problems).await?;
            let listing = listing(draft, &mut problems);
            for area in &draft.areas {
                if !regions.contains_key(&area.value) {
                    let live = match RegionCode::parse(&area.value) {
                        Ok(code) => self.region_row(&code).await?.is_some_and(|r| !r.retired),
                        Err(_) => true, // reported by the listing
                    };
                    regions.insert(area.value.clone(), live);
                }
                if regions.get(&area.value) == Some(&false) {
                    problems.push(area.problem("invalid.service_area_unknown"));
                }
            }
            let before = self.store.service(draft.id).await?;
            if let Some(b) = &before {
                let owner = self.store.org(b.org).await?;
                if owner.is_none_or(|o| authorize(actor, Action::ImportServices, &o.place).is_err())
                {
                    problems.push(hsds::at(
                        SERVICES,
                        draft.line,
                        "id",
                        "invalid.hsds_service_out_of_scope",
                    ));
                }
            }
            let (Some(org), Some(listing)) = (org, listing) else {
                continue;
            };
            let service = PartnerService {
                id: draft.id,
                org: org.id,
                org_name: org.name.clone(),
                name: listing.name().into(),
                service: listing.service().key().into(),
                areas: listing.areas().to_vec(),
                capacity: listing.capacity().map(i64::from),
                contact: listing.contact().into(),
                hours: listing.hours().map(str::to_owned),
                recorded_by: actor.user_id,
                recorded_at: self.now(),
            };
            match before {
                Some(b) if same(&b, &service) => summary.unchanged += 1,
                Some(_) => {
                    summary.changed += 1;
                    writes.push(service);
                }
                None => {
                    summary.added += 1;
                    writes.push(service);
                }
            }
        }
        if !problems.is_empty() {
            return Err(refusal(problems));
        }
        let region = actor.scope.to_string();
        let record = Record {
            kind: "partner_service",
            id: None,
            region: &region,
        };
        let event = self.event(
            Some(actor),
            "directory.import",
            record,
            origin,
            json!(summary),
        );
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                for service in &writes {
                    tx.put_service(service).await?;
                }
                tx.audit(event);
                Ok(())
            })
        })
        .await?;
        Ok(summary)
    }

    /// The organisation a draft names, by id, else by exact name, among those in the
    /// actor's scope; a problem when there is none.
    async fn organisation<'a>(
        &self,
        draft: &Draft,
        in_scope: &'a [Organisation],
        problems: &mut Vec<Problem>,
    ) -> AppResult<Option<&'a Organisation>> {
        let by_id = draft
            .org_id
            .value
            .parse::<OrgId>()
            .ok()
            .and_then(|id| in_scope.iter().find(|o| o.id == id));
        let by_name = || {
            let name = draft.org_name.as_deref()?;
            in_scope.iter().find(|o| o.name == name)
        };
        if let Some(org) = by_id.or_else(by_name) {
            return Ok(Some(org));
        }
        let elsewhere = match draft.org_id.value.parse::<OrgId>() {
            Ok(id) => self.store.org(id).await?.is_some(),
            Err(_) => false,
        };
        let key = if elsewhere {
            "invalid.hsds_org_out_of_scope"
        } else {
            "invalid.hsds_org_unknown"
        };
        problems.push(draft.org_id.problem(key));
        Ok(None)
    }
}

/// The listing a draft describes, its problems placed where their values came from.
fn listing(draft: &Draft, problems: &mut Vec<Problem>) -> Option<ServiceListing> {
    let capacity = match draft.capacity.value.as_str() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(c) => Some(c),
            Err(_) => {
                problems.push(draft.capacity.problem("invalid.service_capacity"));
                return None;
            }
        },
    };
    let service = draft.service.as_ref().map_or("", |s| s.value.as_str());
    let areas: Vec<String> = draft.areas.iter().map(|a| a.value.clone()).collect();
    let hours = draft.hours.as_ref().map(|h| h.value.as_str());
    let parsed = ServiceListing::parse(
        &draft.name.value,
        service,
        &areas,
        capacity,
        &draft.contact.value,
        hours.filter(|h| !h.is_empty()),
    );
    parsed
        .map_err(|errors| {
            for e in errors {
                problems.push(place(draft, &e));
            }
        })
        .ok()
}

/// Where a listing's field error belongs in the files.
fn place(draft: &Draft, e: &FieldError) -> Problem {
    let at_id = || hsds::at(SERVICES, draft.line, "id", e.key);
    match e.field.as_str() {
        "name" => draft.name.problem(e.key),
        "service" => match &draft.service {
            Some(s) => s.problem(e.key),
            None => hsds::at(
                SERVICES,
                draft.line,
                "id",
                "invalid.hsds_service_type_missing",
            ),
        },
        "capacity" => draft.capacity.problem(e.key),
        "contact" => draft.contact.problem(e.key),
        "hours" => draft
            .hours
            .as_ref()
            .map_or_else(at_id, |h| h.problem(e.key)),
        other => other
            .strip_prefix("areas.")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| draft.areas.get(i))
            .map_or_else(at_id, |a: &Placed| a.problem(e.key)),
    }
}

/// Whether an import leaves a stored service as it is.
fn same(a: &PartnerService, b: &PartnerService) -> bool {
    (
        a.org, &a.name, &a.service, &a.areas, a.capacity, &a.contact, &a.hours,
    ) == (
        b.org, &b.name, &b.service, &b.areas, b.capacity, &b.contact, &b.hours,
    )
}

/// The refusal of an import: the first problems, and how many more there were.
fn refusal(mut problems: Vec<Problem>) -> AppError {
    if problems.len() > MAX_REPORTED {
        let more = problems.len() - MAX_REPORTED;
        problems.truncate(MAX_REPORTED);
        let mut p = Problem::new("file", "invalid.hsds_more_errors");
        p.args = vec![("count", more.to_string())];
        problems.push(p);
    }
    tracing::warn!(problems = problems.len(), "directory import refused");
    AppError::Invalid(problems)
}

#[cfg(test)]
mod tests {
    use super::super::hsds::{PHONES, SERVICE_AREAS};
    use super::*;

    #[test]
    fn a_problem_is_placed_at_the_value_it_came_from() {
        let placed = |v: &str, file, line, column| Placed {
            value: v.into(),
            file,
            line,
            column,
        };
        let draft = Draft {
            id: pulih_domain::ids::ServiceId::new(),
            line: 3,
            org_id: placed("x", SERVICES, 3, "organization_id"),
            org_name: None,
            name: placed("", SERVICES, 3, "name"),
            service: None,
            areas: vec![placed("21.7", SERVICE_AREAS, 5, "uri")],
            capacity: placed("many", SERVICES, 3, "capacity"),
            contact: placed("0778", PHONES, 4, "number"),
            hours: None,
        };
        let mut problems = Vec::new();
        assert!(listing(&draft, &mut problems).is_none());
        assert_eq!(problems[0].field, "services.csv:3:capacity");
        let mut fixed = draft.clone();
        fixed.capacity.value = String::new();
        problems.clear();
        assert!(listing(&fixed, &mut problems).is_none());
        let got: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_ref(), p.key)).collect();
        assert_eq!(
            got,
            [
                ("services.csv:3:name", "invalid.service_name"),
                ("services.csv:3:id", "invalid.hsds_service_type_missing"),
                ("service_areas.csv:5:uri", "invalid.region_code"),
                ("services.csv:3:id", "invalid.service_areas"),
            ]
        );
    }
}
