//! The country a supporter signs from: [`Country`], one of the 249 officially assigned
//! ISO 3166-1 alpha-2 codes, with the English short name shown in the sign form's list.

/// A country by its ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country(u8);

/// Why a country was refused; the message speaks to the supporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CountryError {
    /// Nothing was chosen.
    #[error("Please choose your country.")]
    Empty,
    /// Not an officially assigned code.
    #[error("Please choose a country from the list.")]
    Unknown,
}

impl Country {
    /// Parses a two-letter code, ignoring case and surrounding whitespace.
    pub fn parse(input: &str) -> Result<Self, CountryError> {
        let code = input.trim();
        if code.is_empty() {
            return Err(CountryError::Empty);
        }
        COUNTRIES
            .iter()
            .position(|(known, _)| known.eq_ignore_ascii_case(code))
            .and_then(|index| u8::try_from(index).ok())
            .map(Self)
            .ok_or(CountryError::Unknown)
    }

    /// The upper-case two-letter code, such as `"DE"`.
    pub fn code(&self) -> &'static str {
        COUNTRIES[usize::from(self.0)].0
    }

    /// The English short name, such as `"Germany"`.
    pub fn name(&self) -> &'static str {
        COUNTRIES[usize::from(self.0)].1
    }

    /// The English name of a stored code, when it is one.
    pub fn name_of(code: &str) -> Option<&'static str> {
        Country::parse(code).ok().map(|c| c.name())
    }

    /// Every country as `(code, English name)`, sorted by name for the sign form's list.
    pub fn all() -> &'static [(&'static str, &'static str)] {
        &COUNTRIES
    }
}

/// Sorted by name, ignoring case and accents, so "Åland Islands" follows "Afghanistan".
/// The names are the short forms people use ("Bolivia", "South Korea"), not the formal ones.
const COUNTRIES: [(&str, &str); 249] = [
    ("AF", "Afghanistan"),
    ("AX", "Åland Islands"),
    ("AL", "Albania"),
    ("DZ", "Algeria"),
    ("AS", "American Samoa"),
    ("AD", "Andorra"),
    ("AO", "Angola"),
    ("AI", "Anguilla"),
    ("AQ", "Antarctica"),
    ("AG", "Antigua and Barbuda"),
    ("AR", "Argentina"),
    ("AM", "Armenia"),
    ("AW", "Aruba"),
    ("AU", "Australia"),
    ("AT", "Austria"),
    ("AZ", "Azerbaijan"),
    ("BS", "Bahamas"),
    ("BH", "Bahrain"),
    ("BD", "Bangladesh"),
    ("BB", "Barbados"),
    ("BY", "Belarus"),
    ("BE", "Belgium"),
    ("BZ", "Belize"),
    ("BJ", "Benin"),
    ("BM", "Bermuda"),
    ("BT", "Bhutan"),
    ("BO", "Bolivia"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),
    ("BA", "Bosnia and Herzegovina"),
    ("BW", "Botswana"),
    ("BV", "Bouvet Island"),
    ("BR", "Brazil"),
    ("IO", "British Indian Ocean Territory"),
    ("VG", "British Virgin Islands"),
    ("BN", "Brunei"),
    ("BG", "Bulgaria"),
    ("BF", "Burkina Faso"),
    ("BI", "Burundi"),
    ("CV", "Cabo Verde"),
    ("KH", "Cambodia"),
    ("CM", "Cameroon"),
    ("CA", "Canada"),
    ("KY", "Cayman Islands"),
    ("CF", "Central African Republic"),
    ("TD", "Chad"),
    ("CL", "Chile"),
    ("CN", "China"),
    ("CX", "Christmas Island"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CO", "Colombia"),
    ("KM", "Comoros"),
    ("CG", "Congo"),
    ("CD", "Congo (Democratic Republic)"),
    ("CK", "Cook Islands"),
    ("CR", "Costa Rica"),
    ("CI", "Côte d'Ivoire"),
    ("HR", "Croatia"),
    ("CU", "Cuba"),
    ("CW", "Curaçao"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DK", "Denmark"),
    ("DJ", "Djibouti"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("EC", "Ecuador"),
    ("EG", "Egypt"),
    ("SV", "El Salvador"),
    ("GQ", "Equatorial Guinea"),
    ("ER", "Eritrea"),
    ("EE", "Estonia"),
    ("SZ", "Eswatini"),
    ("ET", "Ethiopia"),
    ("FK", "Falkland Islands"),
    ("FO", "Faroe Islands"),
    ("FJ", "Fiji"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("GF", "French Guiana"),
    ("PF", "French Polynesia"),
    ("TF", "French Southern Territories"),
    ("GA", "Gabon"),
    ("GM", "Gambia"),
    ("GE", "Georgia"),
    ("DE", "Germany"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GR", "Greece"),
    ("GL", "Greenland"),
    ("GD", "Grenada"),
    ("GP", "Guadeloupe"),
    ("GU", "Guam"),
    ("GT", "Guatemala"),
    ("GG", "Guernsey"),
    ("GN", "Guinea"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HT", "Haiti"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HK", "Hong Kong"),
    ("HU", "Hungary"),
    ("IS", "Iceland"),
    ("IN", "India"),
    ("ID", "Indonesia"),
    ("IR", "Iran"),
    ("IQ", "Iraq"),
    ("IE", "Ireland"),
    ("IM", "Isle of Man"),
    ("IL", "Israel"),
    ("IT", "Italy"),
    ("JM", "Jamaica"),
    ("JP", "Japan"),
    ("JE", "Jersey"),
    ("JO", "Jordan"),
    ("KZ", "Kazakhstan"),
    ("KE", "Kenya"),
    ("KI", "Kiribati"),
    ("KW", "Kuwait"),
    ("KG", "Kyrgyzstan"),
    ("LA", "Laos"),
    ("LV", "Latvia"),
    ("LB", "Lebanon"),
    ("LS", "Lesotho"),
    ("LR", "Liberia"),
    ("LY", "Libya"),
    ("LI", "Liechtenstein"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("MO", "Macao"),
    ("MG", "Madagascar"),
    ("MW", "Malawi"),
    ("MY", "Malaysia"),
    ("MV", "Maldives"),
    ("ML", "Mali"),
    ("MT", "Malta"),
    ("MH", "Marshall Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MU", "Mauritius"),
    ("YT", "Mayotte"),
    ("MX", "Mexico"),
    ("FM", "Micronesia"),
    ("MD", "Moldova"),
    ("MC", "Monaco"),
    ("MN", "Mongolia"),
    ("ME", "Montenegro"),
    ("MS", "Montserrat"),
    ("MA", "Morocco"),
    ("MZ", "Mozambique"),
    ("MM", "Myanmar"),
    ("NA", "Namibia"),
    ("NR", "Nauru"),
    ("NP", "Nepal"),
    ("NL", "Netherlands"),
    ("NC", "New Caledonia"),
    ("NZ", "New Zealand"),
    ("NI", "Nicaragua"),
    ("NE", "Niger"),
    ("NG", "Nigeria"),
    ("NU", "Niue"),
    ("NF", "Norfolk Island"),
    ("KP", "North Korea"),
    ("MK", "North Macedonia"),
    ("MP", "Northern Mariana Islands"),
    ("NO", "Norway"),
    ("OM", "Oman"),
    ("PK", "Pakistan"),
    ("PW", "Palau"),
    ("PS", "Palestine"),
    ("PA", "Panama"),
    ("PG", "Papua New Guinea"),
    ("PY", "Paraguay"),
    ("PE", "Peru"),
    ("PH", "Philippines"),
    ("PN", "Pitcairn Islands"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("PR", "Puerto Rico"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("BL", "Saint Barthélemy"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("KN", "Saint Kitts and Nevis"),
    ("LC", "Saint Lucia"),
    ("MF", "Saint Martin (French part)"),
    ("PM", "Saint Pierre and Miquelon"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("WS", "Samoa"),
    ("SM", "San Marino"),
    ("ST", "São Tomé and Príncipe"),
    ("SA", "Saudi Arabia"),
    ("SN", "Senegal"),
    ("RS", "Serbia"),
    ("SC", "Seychelles"),
    ("SL", "Sierra Leone"),
    ("SG", "Singapore"),
    ("SX", "Sint Maarten (Dutch part)"),
    ("SK", "Slovakia"),
    ("SI", "Slovenia"),
    ("SB", "Solomon Islands"),
    ("SO", "Somalia"),
    ("ZA", "South Africa"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("KR", "South Korea"),
    ("SS", "South Sudan"),
    ("ES", "Spain"),
    ("LK", "Sri Lanka"),
    ("SD", "Sudan"),
    ("SR", "Suriname"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SE", "Sweden"),
    ("CH", "Switzerland"),
    ("SY", "Syria"),
    ("TW", "Taiwan"),
    ("TJ", "Tajikistan"),
    ("TZ", "Tanzania"),
    ("TH", "Thailand"),
    ("TL", "Timor-Leste"),
    ("TG", "Togo"),
    ("TK", "Tokelau"),
    ("TO", "Tonga"),
    ("TT", "Trinidad and Tobago"),
    ("TN", "Tunisia"),
    ("TR", "Türkiye"),
    ("TM", "Turkmenistan"),
    ("TC", "Turks and Caicos Islands"),
    ("TV", "Tuvalu"),
    ("VI", "U.S. Virgin Islands"),
    ("UG", "Uganda"),
    ("UA", "Ukraine"),
    ("AE", "United Arab Emirates"),
    ("GB", "United Kingdom"),
    ("US", "United States"),
    ("UM", "United States Minor Outlying Islands"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VU", "Vanuatu"),
    ("VA", "Vatican City"),
    ("VE", "Venezuela"),
    ("VN", "Vietnam"),
    ("WF", "Wallis and Futuna"),
    ("EH", "Western Sahara"),
    ("YE", "Yemen"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

    use super::*;

    fn sort_key(name: &str) -> String {
        name.nfd()
            .filter(|c| !is_combining_mark(*c))
            .collect::<String>()
            .to_lowercase()
    }

    #[test]
    fn all_249_assigned_codes_are_listed_once() {
        assert_eq!(Country::all().len(), 249);
        let codes: HashSet<_> = Country::all().iter().map(|(code, _)| code).collect();
        assert_eq!(codes.len(), 249);
        let names: HashSet<_> = Country::all().iter().map(|(_, name)| name).collect();
        assert_eq!(names.len(), 249);
    }

    #[test]
    fn codes_are_two_upper_case_ascii_letters() {
        for (code, _) in Country::all() {
            assert!(
                code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()),
                "{code}"
            );
        }
    }

    #[test]
    fn the_list_is_sorted_by_name_ignoring_accents() {
        for pair in Country::all().windows(2) {
            assert!(
                sort_key(pair[0].1) < sort_key(pair[1].1),
                "{} before {}",
                pair[0].1,
                pair[1].1
            );
        }
    }

    #[test]
    fn every_listed_code_parses_back_to_its_entry() {
        for (code, name) in Country::all() {
            let country = Country::parse(code).unwrap();
            assert_eq!((country.code(), country.name()), (*code, *name));
        }
    }

    #[test]
    fn codes_parse_ignoring_case_and_surrounding_whitespace() {
        let rows = [
            ("de", "DE", "Germany"),
            (" De ", "DE", "Germany"),
            ("AM", "AM", "Armenia"),
            ("az", "AZ", "Azerbaijan"),
            ("ge", "GE", "Georgia"),
            ("ps", "PS", "Palestine"),
            ("TW", "TW", "Taiwan"),
            ("eh", "EH", "Western Sahara"),
            ("AQ", "AQ", "Antarctica"),
            ("gb", "GB", "United Kingdom"),
            ("ax", "AX", "Åland Islands"),
        ];
        for (input, code, name) in rows {
            let country = Country::parse(input).unwrap();
            assert_eq!(country.code(), code, "{input:?}");
            assert_eq!(country.name(), name, "{input:?}");
        }
    }

    #[test]
    fn unknown_or_missing_countries_are_refused_with_a_message() {
        let rows = [
            ("", CountryError::Empty, "Please choose your country."),
            ("  ", CountryError::Empty, "Please choose your country."),
            (
                "UK",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
            (
                "EU",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
            (
                "XX",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
            (
                "XK",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
            (
                "D",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
            (
                "DEU",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
            (
                "Germany",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
            (
                "ＤＥ",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
            (
                "D\0",
                CountryError::Unknown,
                "Please choose a country from the list.",
            ),
        ];
        for (input, error, message) in rows {
            assert_eq!(Country::parse(input), Err(error), "{input:?}");
            assert_eq!(error.to_string(), message);
        }
    }
}
