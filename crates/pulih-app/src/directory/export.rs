//! Writing the HSDS tables of an export (`docs/HSDS.md`): one row per organisation and
//! service, its contact as a phone (or the service's e-mail), its hours as a schedule,
//! one area row per region, and the service-type taxonomy with one attribute per service.

use std::collections::{BTreeMap, HashMap};

use pulih_domain::ids::OrgId;
use pulih_domain::referral::ServiceType;
use pulih_domain::region::RegionCode;
use pulih_store::{Organisation, PartnerService};

use super::hsds::{
    self, AREA_URI, ATTRIBUTES, ORGANIZATIONS, PHONES, SCHEDULES, SERVICE_AREAS, SERVICES,
    TAXONOMIES, TAXONOMY_NAME, TAXONOMY_TERMS, TableWriter,
};

/// Writes the HSDS tables of an export.
pub(super) fn write_tables(
    services: &[PartnerService],
    orgs: &BTreeMap<OrgId, Organisation>,
    area_names: &HashMap<RegionCode, String>,
) -> Result<Vec<u8>, String> {
    let e = |e: csv::Error| e.to_string();
    let mut organizations =
        TableWriter::new(ORGANIZATIONS, &["id", "name", "description"]).map_err(e)?;
    for o in orgs.values() {
        let description = format!("{} ({})", o.org_type.as_str(), o.place);
        organizations
            .row(&[&o.id.to_string(), &o.name, &description])
            .map_err(e)?;
    }
    let header = [
        "id",
        "organization_id",
        "name",
        "email",
        "status",
        "capacity",
    ];
    let mut table = TableWriter::new(SERVICES, &header).map_err(e)?;
    let mut phones = TableWriter::new(PHONES, &["id", "service_id", "number"]).map_err(e)?;
    let mut schedules =
        TableWriter::new(SCHEDULES, &["id", "service_id", "description"]).map_err(e)?;
    let mut areas =
        TableWriter::new(SERVICE_AREAS, &["id", "service_id", "name", "uri"]).map_err(e)?;
    let mut attributes = TableWriter::new(
        ATTRIBUTES,
        &[
            "id",
            "link_id",
            "link_type",
            "link_entity",
            "taxonomy_term_id",
        ],
    )
    .map_err(e)?;
    for s in services {
        let id = s.id.to_string();
        let email = if hsds::is_email(&s.contact) {
            s.contact.as_str()
        } else {
            ""
        };
        let capacity = s.capacity.map(|c| c.to_string()).unwrap_or_default();
        let org = s.org.to_string();
        table
            .row(&[&id, &org, &s.name, email, "active", &capacity])
            .map_err(e)?;
        if email.is_empty() {
            let row = hsds::derived_id(&[&id, "phone"]).to_string();
            phones.row(&[&row, &id, &s.contact]).map_err(e)?;
        }
        if let Some(hours) = &s.hours {
            let row = hsds::derived_id(&[&id, "schedule"]).to_string();
            schedules.row(&[&row, &id, hours]).map_err(e)?;
        }
        for code in &s.areas {
            let row = hsds::derived_id(&[&id, "area", code.as_str()]).to_string();
            let name = area_names.get(code).map_or("", String::as_str);
            let uri = format!("{AREA_URI}{code}");
            areas.row(&[&row, &id, name, &uri]).map_err(e)?;
        }
        if let Ok(t) = ServiceType::parse(&s.service) {
            let row = hsds::derived_id(&[&id, "attribute"]).to_string();
            let term = hsds::term_id(t).to_string();
            attributes
                .row(&[&row, &id, "service_type", "service", &term])
                .map_err(e)?;
        }
    }
    let taxonomy = hsds::taxonomy_id().to_string();
    let mut taxonomies =
        TableWriter::new(TAXONOMIES, &["id", "name", "description", "version"]).map_err(e)?;
    taxonomies
        .row(&[
            &taxonomy,
            TAXONOMY_NAME,
            "Service types of the Pulih partner directory (Jenis layanan mitra Pulih)",
            "1",
        ])
        .map_err(e)?;
    let mut terms = TableWriter::new(
        TAXONOMY_TERMS,
        &[
            "id",
            "code",
            "name",
            "description",
            "taxonomy",
            "taxonomy_id",
            "language",
        ],
    )
    .map_err(e)?;
    for t in ServiceType::ALL {
        let (name, description) = hsds::term_texts(t);
        let id = hsds::term_id(t).to_string();
        terms
            .row(&[
                &id,
                t.key(),
                name,
                description,
                TAXONOMY_NAME,
                &taxonomy,
                "en",
            ])
            .map_err(e)?;
    }
    hsds::zip(vec![
        organizations,
        table,
        phones,
        schedules,
        areas,
        taxonomies,
        terms,
        attributes,
    ])
}
