//! The partner directory: a service an organisation offers (one of the
//! [`ServiceType`]s), where (the regions it serves), how many places it has, how to reach
//! it and when.

use crate::Invalid;
use crate::clinical::FieldError;
use crate::keyed::optional_text;
use crate::programme::one_line;
use crate::referral::ServiceType;
use crate::region::RegionCode;

/// Most regions one service lists as its area.
pub const MAX_AREAS: usize = 50;
/// Largest capacity.
pub const MAX_CAPACITY: u32 = 100_000;

/// A service as listed in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceListing {
    name: String,
    service: ServiceType,
    areas: Vec<RegionCode>,
    capacity: Option<u32>,
    contact: String,
    hours: Option<String>,
}

impl ServiceListing {
    /// Validates a listing, reporting every problem at once: a name of 1–200 characters
    /// (`name`, `invalid.service_name`), a service type (`service`,
    /// `invalid.service_type`), 1–50 region codes (`areas`, `invalid.service_areas`;
    /// `areas.<i>`, `invalid.region_code`), a capacity up to 100,000 (`capacity`,
    /// `invalid.service_capacity`), a contact of 1–200 characters (`contact`,
    /// `invalid.service_contact`) and opening hours up to 200 (`hours`,
    /// `invalid.service_hours`). Repeated areas count once.
    pub fn parse(
        name: &str,
        service: &str,
        areas: &[String],
        capacity: Option<u32>,
        contact: &str,
        hours: Option<&str>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = one_line(name, 200, "name", "invalid.service_name", &mut errors);
        let service = ServiceType::parse(service.trim())
            .map_err(|e| errors.push(FieldError::new("service", e.key)));
        let mut codes: Vec<RegionCode> = Vec::new();
        for (i, a) in areas.iter().enumerate() {
            match RegionCode::parse(a) {
                Ok(code) if !codes.contains(&code) => codes.push(code),
                Ok(_) => {}
                Err(e) => errors.push(FieldError::new(format!("areas.{i}"), e.key)),
            }
        }
        if !(1..=MAX_AREAS).contains(&codes.len()) {
            errors.push(FieldError::new("areas", "invalid.service_areas"));
        }
        if capacity.is_some_and(|c| c > MAX_CAPACITY) {
            errors.push(FieldError::new("capacity", "invalid.service_capacity"));
        }
        let contact = one_line(
            contact,
            200,
            "contact",
            "invalid.service_contact",
            &mut errors,
        );
        let hours = optional_text(hours, 200, "invalid.service_hours")
            .map_err(|e: Invalid| errors.push(FieldError::new("hours", e.key)));
        match (service, hours) {
            (Ok(service), Ok(hours)) if errors.is_empty() => Ok(Self {
                name,
                service,
                areas: codes,
                capacity,
                contact,
                hours,
            }),
            _ => Err(errors),
        }
    }

    /// The service's name, e.g. `Pelatihan Las BLK Batam`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What it offers.
    pub fn service(&self) -> ServiceType {
        self.service
    }

    /// The regions it serves (a region covers everything below it).
    pub fn areas(&self) -> &[RegionCode] {
        &self.areas
    }

    /// How many places, if known.
    pub fn capacity(&self) -> Option<u32> {
        self.capacity
    }

    /// Phone, e-mail or address.
    pub fn contact(&self) -> &str {
        &self.contact
    }

    /// Opening hours.
    pub fn hours(&self) -> Option<&str> {
        self.hours.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn a_blk_course_in_batam_is_listed() {
        let l = ServiceListing::parse(
            "Pelatihan Las",
            "vocational_training",
            &areas(&["21.71", "21.71", "21.72"]),
            Some(20),
            "0778-123456",
            Some("Senin–Jumat 08.00–16.00"),
        )
        .unwrap();
        assert_eq!(l.areas().len(), 2, "a repeated area counts once");
        assert_eq!(
            (l.service(), l.capacity()),
            (ServiceType::VocationalTraining, Some(20))
        );
        assert_eq!((l.name(), l.contact()), ("Pelatihan Las", "0778-123456"));
        assert_eq!(l.hours(), Some("Senin–Jumat 08.00–16.00"));
    }

    #[test]
    fn every_problem_is_reported_field_by_field() {
        let errors = ServiceListing::parse("", "spa", &areas(&["21.7"]), Some(200_000), " ", None)
            .unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(
            got,
            [
                ("name", "invalid.service_name"),
                ("service", "invalid.service_type"),
                ("areas.0", "invalid.region_code"),
                ("areas", "invalid.service_areas"),
                ("capacity", "invalid.service_capacity"),
                ("contact", "invalid.service_contact"),
            ]
        );
    }
}
