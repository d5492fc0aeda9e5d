//! Organisations: BNN offices, reception institutions, rehab centres and partner agencies.

use crate::Invalid;

/// The kind of organisation, which decides the services it can offer later on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgType {
    /// BNN headquarters, BNNP or BNNK office.
    Bnn,
    /// IPWL, puskesmas or clinic.
    Ipwl,
    /// Inpatient or outpatient rehabilitation centre.
    RehabCentre,
    /// Dinas Sosial.
    Dinsos,
    /// Disnakertrans or a BLK.
    Disnakertrans,
    /// Dinas Kesehatan.
    Dinkes,
    /// DP3A (women's empowerment and child protection).
    Dp3a,
    /// Non-governmental organisation.
    Ngo,
    /// Community or religious body.
    Community,
    /// Police unit (Polres, Ditresnarkoba).
    Police,
    /// Balai Pemasyarakatan: supervises and guides people released from prison, the
    /// partner of the Lapas-release pathway.
    Bapas,
    /// Lembaga Pemasyarakatan (prison).
    Lapas,
    /// Kejaksaan (public prosecution).
    Kejaksaan,
    /// The education office (Dinas Pendidikan) and schools.
    Education,
    /// Village government and its regency office (DPMPemdes).
    VillageGovernment,
    /// Bea dan Cukai (customs and excise).
    BeaCukai,
    /// BPOM (food and drug authority).
    Bpom,
}

impl OrgType {
    /// Every type, in the order shown in forms.
    pub const ALL: [Self; 17] = [
        Self::Bnn,
        Self::Ipwl,
        Self::RehabCentre,
        Self::Dinsos,
        Self::Disnakertrans,
        Self::Dinkes,
        Self::Dp3a,
        Self::Ngo,
        Self::Community,
        Self::Police,
        Self::Bapas,
        Self::Lapas,
        Self::Kejaksaan,
        Self::Education,
        Self::VillageGovernment,
        Self::BeaCukai,
        Self::Bpom,
    ];

    /// The type's name in storage and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Bnn => "bnn",
            Self::Ipwl => "ipwl",
            Self::RehabCentre => "rehab_centre",
            Self::Dinsos => "dinsos",
            Self::Disnakertrans => "disnakertrans",
            Self::Dinkes => "dinkes",
            Self::Dp3a => "dp3a",
            Self::Ngo => "ngo",
            Self::Community => "community",
            Self::Police => "police",
            Self::Bapas => "bapas",
            Self::Lapas => "lapas",
            Self::Kejaksaan => "kejaksaan",
            Self::Education => "education",
            Self::VillageGovernment => "village_government",
            Self::BeaCukai => "bea_cukai",
            Self::Bpom => "bpom",
        }
    }

    /// Whether client records may ever be shared with this type: never with the police,
    /// the prosecution, customs or BPOM, since clinical and enforcement data are separated
    /// by a hard wall. Correctional services (Bapas, Lapas) guide a released client back
    /// into the community and may receive them with the client's consent.
    pub const fn may_receive_clinical_data(self) -> bool {
        !matches!(
            self,
            Self::Police | Self::Kejaksaan | Self::BeaCukai | Self::Bpom
        )
    }

    /// Parses a type name.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or(Invalid::new("invalid.org_type"))
    }
}

/// An organisation's name: 2–200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct OrgName(String);

impl OrgName {
    /// Parses an organisation name.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        let n = s.chars().count();
        if (2..=200).contains(&n) && !s.chars().any(char::is_control) {
            Ok(Self(s.to_owned()))
        } else {
            Err(Invalid::new("invalid.org_name"))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_types_round_trip_and_names_are_trimmed() {
        for t in OrgType::ALL {
            assert_eq!(OrgType::parse(t.as_str()), Ok(t));
        }
        assert_eq!(
            OrgName::parse("  BNNK Batam ").map(|n| n.0),
            Ok("BNNK Batam".into())
        );
        assert!(OrgName::parse(" x ").is_err());
    }

    #[test]
    fn enforcement_agencies_never_receive_clinical_data() {
        let walled: Vec<&str> = OrgType::ALL
            .into_iter()
            .filter(|t| !t.may_receive_clinical_data())
            .map(OrgType::as_str)
            .collect();
        assert_eq!(walled, ["police", "kejaksaan", "bea_cukai", "bpom"]);
    }
}
