//! Fixture tests: each letter layout in tests/fixtures/letters/ with its expected parts.

use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../tests/fixtures/letters/", $name))
    };
}

pub(super) fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

pub(super) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub(super) fn recipient(
    name: &str,
    title: Option<&str>,
    organisation: Option<&str>,
    address: &[&str],
) -> Recipient {
    Recipient {
        name: some(name),
        title: title.map(str::to_string),
        organisation: organisation.map(str::to_string),
        address: strings(address),
    }
}

pub(super) fn signer(
    name: &str,
    title: Option<&str>,
    organisation: Option<&str>,
    contact: &[&str],
) -> Option<Signer> {
    Some(Signer {
        name: some(name),
        title: title.map(str::to_string),
        organisation: organisation.map(str::to_string),
        contact: strings(contact),
    })
}

/// The fixture's text strictly between two markers, line endings as LF: the body verbatim.
pub(super) fn between(text: &str, after: &str, before: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let start = text.find(after).expect("start marker in fixture") + after.len();
    let end = start + text[start..].find(before).expect("end marker in fixture");
    text[start..end].trim().to_string()
}

#[test]
fn sample_web_page_letter_is_split_into_all_its_parts() {
    let letter = parse_letter(fixture!("river-commons-dam.txt"));

    assert_eq!(
        letter,
        Letter {
            headline: some("Regional leaders must halt the Varna Gorge dam until affected villages are heard"),
            intro: some(
                "Today River Commons delivered the letter below to the Minister of Energy and the Governor of the \
                 Northern Region, ahead of the March 10 licensing vote. Add your name to tell them that no dam \
                 should be licensed before the people who will lose their homes have had their say."
            ),
            date: some("March 2, 2027"),
            recipients: vec![
                recipient(
                    "Hon. Marta Kovač",
                    Some("Minister of Energy"),
                    Some("Ministry of Energy and Mines"),
                    &["14 Sava Embankment", "Riverton 10020"],
                ),
                recipient(
                    "Mr. Ilir Deda",
                    Some("Governor, Northern Region"),
                    Some("Regional Administration Building"),
                    &["2 Castle Square", "Highmoor 30110"],
                ),
            ],
            subject: some("Licensing vote on the Varna Gorge hydropower project, March 10, 2027"),
            salutation: some("Dear Minister Kovač and Governor Deda:"),
            body: "On behalf of River Commons and our 14,000 members, we write to ask that you postpone the\n\
                   March 10 licensing vote on the Varna Gorge hydropower project.\n\n\
                   The environmental assessment published in January lists eleven villages inside the flood\n\
                   zone, yet only two public hearings were held, both in the regional capital, on weekday\n\
                   mornings, and with documents available only in the national language. Families in\n\
                   Dolno Selo and Gorna Reka learned of the project from surveyors marking their fields.\n\n\
                   We recognise the region's need for reliable power. But a licence granted on this record would\n\
                   expose the ministry to legal challenge and leave hundreds of families without a remedy.\n\n\
                   We therefore urge you to:\n\n\
                   1. Postpone the licensing vote until hearings have been held in each affected village;\n\
                   2. Publish the full assessment and resettlement plan in every language spoken in the flood zone;\n\
                   3. Commission an independent review of the downstream fisheries impact; and\n\
                   4. Guarantee that no resident is relocated without a signed compensation agreement.\n\n\
                   We would welcome the chance to meet with your offices before the vote. Please contact me at\n\
                   +385 1 555 0142 or at advocacy@rivercommons.example."
                .to_string(),
            asks: strings(&[
                "Postpone the licensing vote until hearings have been held in each affected village",
                "Publish the full assessment and resettlement plan in every language spoken in the flood zone",
                "Commission an independent review of the downstream fisheries impact",
                "Guarantee that no resident is relocated without a signed compensation agreement.",
            ]),
            closing: some("Sincerely,"),
            signer: signer("Ana Petrović", Some("Campaigns Director"), Some("River Commons"), &[]),
            cc: strings(&["Parliamentary Committee on Energy"]),
        }
    );
}

#[test]
fn bullet_list_after_we_ask_that_you_is_preferred_over_an_earlier_list() {
    let text = fixture!("bullet-dots-we-ask-that-you.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            headline: None,
            intro: None,
            date: some("April 4, 2027"),
            recipients: vec![recipient(
                "Dr. Helen Okafor",
                Some("Secretary of Health"),
                Some("Department of Health"),
                &["1 Civic Plaza", "Lakeside, ST 40123"],
            )],
            subject: some("Emergency room closures in the northern counties"),
            salutation: some("Dear Secretary Okafor:"),
            body: between(text, "Dear Secretary Okafor:", "Respectfully,"),
            asks: strings(&[
                "Declare an emergency-care shortage in the northern counties",
                "Fund a mobile emergency unit until a permanent emergency room reopens",
                "Require hospitals to give the public 180 days' notice before closing an emergency room.",
            ]),
            closing: some("Respectfully,"),
            signer: signer(
                "Marcus Bell",
                Some("Executive Director"),
                Some("Northern Counties Health Alliance"),
                &["marcus.bell@nchealth.example", "(555) 201-3344"],
            ),
            cc: vec![],
        }
    );
}

#[test]
fn star_bullets_lose_their_trailing_commas_and_conjunctions() {
    let text = fixture!("star-bullets.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("June 1, 2027"),
            recipients: vec![recipient(
                "Ms. Olivia Grant",
                Some("Chief Executive"),
                Some("Harbourside Port Authority"),
                &["Quay House, 5 Harbour Road", "Portsmouth PO1 3AB"],
            )],
            subject: some("Shore power at the cruise terminal"),
            salutation: some("Dear Ms. Grant,"),
            body: between(text, "Dear Ms. Grant,", "Yours sincerely,"),
            asks: strings(&[
                "install shore power at both cruise berths by 2029",
                "publish hourly air-quality readings from the terminal",
                "charge higher port fees to ships that keep their engines running at berth.",
            ]),
            closing: some("Yours sincerely,"),
            signer: signer("Fatima Rahman", None, Some("Clean Air Harbourside"), &[]),
            ..Letter::default()
        }
    );
}

#[test]
fn numbered_asks_with_a_closing_parenthesis_are_extracted_in_order_without_their_markers() {
    let text = fixture!("paren-numbering.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("10 May 2027"),
            recipients: vec![recipient(
                "The Rt Hon. Daniel Hughes MP",
                Some("Secretary of State for Education"),
                Some("Department for Education"),
                &[
                    "Sanctuary Buildings",
                    "20 Great Smith Street",
                    "London SW1P 3BT"
                ],
            )],
            subject: some("Free school meals for all primary pupils"),
            salutation: some("Dear Secretary of State,"),
            body: between(text, "Dear Secretary of State,", "Best regards,"),
            asks: strings(&[
                "extend free school meals to every primary school pupil from September 2028",
                "raise the funding rate per meal so that schools can buy local, fresh food",
                "publish the evidence behind the current eligibility threshold.",
            ]),
            closing: some("Best regards,"),
            signer: signer(
                "Grace Adeyemi",
                Some("Chair"),
                Some("Feed Every Child Coalition"),
                &[]
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn three_recipient_blocks_and_a_cc_line_are_all_kept() {
    let text = fixture!("three-recipients-cc.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("September 12, 2027"),
            recipients: vec![
                recipient(
                    "Senator Rosa Delgado",
                    Some("Chair, Senate Committee on Natural Resources"),
                    None,
                    &["State Capitol, Room 410", "Sacramento, CA 95814"],
                ),
                recipient(
                    "Assemblymember Kevin Park",
                    Some("Chair, Assembly Committee on Water, Parks and Wildlife"),
                    None,
                    &["1021 O Street, Suite 5150", "Sacramento, CA 95814"],
                ),
                recipient(
                    "Director Janet Morales",
                    None,
                    Some("California Department of Fish and Wildlife"),
                    &["715 P Street", "Sacramento, CA 95814"],
                ),
            ],
            subject: some("SB 417, salmon habitat restoration"),
            salutation: some("Dear Senator Delgado, Assemblymember Park and Director Morales:"),
            body: between(text, "Director Morales:", "Sincerely,"),
            asks: strings(&[
                "pass SB 417 without weakening amendments",
                "fully fund the Delta habitat restoration projects listed in the bill",
                "set enforceable minimum flows for the Sacramento and San Joaquin rivers.",
            ]),
            closing: some("Sincerely,"),
            signer: signer(
                "Tom Whitaker",
                Some("President"),
                Some("Pacific Coast Fishing Families"),
                &["tom@pcff.example"],
            ),
            cc: strings(&[
                "Governor Elena Ruiz",
                "Natural Resources Agency",
                "Office of the Attorney General",
            ]),
            ..Letter::default()
        }
    );
}

#[test]
fn letter_without_a_list_has_no_asks_even_when_its_prose_urges() {
    let text = fixture!("no-asks.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("November 3, 2027"),
            recipients: vec![recipient(
                "Mr. Samuel Ortiz",
                Some("Superintendent"),
                Some("Riverton Unified School District"),
                &[],
            )],
            subject: some("Thank you for the new bus routes"),
            salutation: some("Dear Mr. Ortiz,"),
            body: between(text, "Dear Mr. Ortiz,", "With gratitude,"),
            asks: vec![],
            closing: some("With gratitude,"),
            signer: signer(
                "Maria Chen",
                None,
                Some("Hillcrest Parents' Association"),
                &[]
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn web_page_debris_is_dropped_and_the_page_title_becomes_the_headline() {
    let text = fixture!("web-page-debris.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            headline: some("Open letter: Stop the sale of Greenfield Park"),
            intro: some(
                "More than 4,000 neighbours have signed our open letter to the council, asking it to keep \
                 Greenfield Park in public hands.\n\n\
                 The council votes on the sale on 1 March. Read the letter below and add your name."
            ),
            date: some("13 February 2027"),
            recipients: vec![recipient(
                "Councillor Alan Brooks",
                Some("Leader, Greenfield Borough Council"),
                Some("Town Hall"),
                &["Market Street", "Greenfield GF1 1AA"],
            )],
            subject: None,
            salutation: some("Dear Councillor Brooks,"),
            body: between(text, "Dear Councillor Brooks,", "Yours sincerely,"),
            asks: strings(&[
                "Withdraw the proposal to sell Greenfield Park",
                "Hold a public consultation on the park's future.",
            ]),
            closing: some("Yours sincerely,"),
            signer: signer("Joanna Martins", Some("Chair"), Some("Greenfield Friends"), &[]),
            cc: vec![],
        }
    );
}

#[test]
fn german_letter_with_organisation_first_address_and_two_line_salutation() {
    let text = fixture!("german.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("2. März 2027"),
            recipients: vec![recipient(
                "Frau Bundesministerin Dr. Katrin Weber",
                None,
                Some("Bundesministerium für Wirtschaft und Klimaschutz"),
                &["Scharnhorststraße 34–37", "10115 Berlin"],
            )],
            subject: some("Keine neuen Gasbohrungen im Wattenmeer"),
            salutation: some("Sehr geehrte Frau Ministerin Weber, sehr geehrter Herr Staatssekretär Braun,"),
            body: between(text, "Staatssekretär Braun,", "Mit freundlichen Grüßen"),
            asks: strings(&[
                "die Genehmigung für die Bohrungen vor Borkum zu verweigern",
                "einen gesetzlichen Stopp für neue Öl- und Gasförderung im Wattenmeer zu unterstützen",
                "die betroffenen Gemeinden frühzeitig an allen Verfahren zu beteiligen.",
            ]),
            closing: some("Mit freundlichen Grüßen"),
            signer: signer(
                "Jonas Becker",
                Some("Vorsitzender"),
                Some("Wattenmeer-Bündnis e.V."),
                &["kontakt@wattenmeer-buendnis.example"],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn french_letter_with_lettered_asks_and_a_closing_sentence() {
    let text = fixture!("french.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("2 mars 2027"),
            recipients: vec![recipient(
                "Madame Claire Dubois",
                Some("Ministre de la Transition écologique"),
                Some("Hôtel de Roquelaure"),
                &["246, boulevard Saint-Germain", "75007 Paris"],
            )],
            subject: some("Protection de la forêt de Brocéliande"),
            salutation: some("Madame la Ministre,"),
            body: between(text, "Madame la Ministre,", "Veuillez agréer").replace('\u{a0}', " "),
            asks: strings(&[
                "suspendre l'autorisation d'exploitation de la carrière",
                "classer la chênaie en réserve biologique",
                "organiser une concertation publique avec les communes riveraines.",
            ]),
            closing: some(
                "Veuillez agréer, Madame la Ministre, l'expression de notre haute considération."
            ),
            signer: signer(
                "Hélène Moreau",
                Some("Présidente"),
                Some("Association Les Amis de Brocéliande"),
                &[],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn spanish_letter_with_parenthesised_numbers() {
    let text = fixture!("spanish.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("2 de marzo de 2027"),
            recipients: vec![recipient(
                "Sra. Dña. Lucía Fernández",
                Some("Ministra para la Transición Ecológica"),
                Some("Ministerio para la Transición Ecológica"),
                &["Plaza de San Juan de la Cruz, 10", "28071 Madrid"],
            )],
            subject: some("Protección del acuífero de Doñana"),
            salutation: some("Estimada señora ministra:"),
            body: between(text, "Estimada señora ministra:", "Atentamente,"),
            asks: strings(&[
                "cierre todos los pozos ilegales del entorno de Doñana antes del verano",
                "revise las concesiones de agua de la cuenca del Guadalquivir",
                "garantice un caudal ecológico mínimo para las marismas.",
            ]),
            closing: some("Atentamente,"),
            signer: signer(
                "Carmen Ruiz Ortega",
                Some("Coordinadora"),
                Some("Plataforma Salvemos Doñana"),
                &["info@salvemosdonana.example"],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn armenian_letter_is_read_like_any_other() {
    let text = fixture!("armenian.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("2 մարտի 2027 թ."),
            recipients: vec![recipient(
                "Տիկին Աննա Սարգսյան",
                Some("Շրջակա միջավայրի նախարար"),
                Some("Շրջակա միջավայրի նախարարություն"),
                &["Կառավարական տուն 3, Երևան 0010"],
            )],
            subject: some("Սևանա լճի ափերի պաշտպանություն"),
            salutation: some("Հարգելի տիկին նախարար,"),
            body: between(text, "Հարգելի տիկին նախարար,", "Հարգանքով՝"),
            asks: strings(&[
                "Դադարեցնել ափամերձ գոտում նոր շինարարության թույլտվությունները։",
                "Հրապարակել լճի ջրի որակի տվյալները։",
            ]),
            closing: some("Հարգանքով՝"),
            signer: signer(
                "Արամ Պետրոսյան",
                Some("Համակարգող"),
                Some("«Կանաչ Սևան» նախաձեռնություն"),
                &[],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn crlf_line_endings_a_bom_tabs_and_non_breaking_spaces_are_accepted() {
    // Rebuilt with CRLF and a BOM here too, so the test holds whatever a checkout does to
    // the fixture's line endings.
    let fixture = fixture!("crlf-bom.txt").trim_start_matches('\u{feff}');
    let text = format!(
        "\u{feff}{}",
        fixture.replace("\r\n", "\n").replace('\n', "\r\n")
    );

    let letter = parse_letter(&text);

    assert_eq!(
        letter,
        Letter {
            date: some("5 July 2027"),
            recipients: vec![recipient(
                "Ms. Aisha Khan",
                Some("Director of Public Health"),
                Some("Northshire County Council"),
                &["County Hall", "Northshire NS1 2PQ"],
            )],
            subject: some("Lead pipes in Northshire schools"),
            salutation: some("Dear Ms. Khan,"),
            body: "Tests carried out this spring found lead above the legal limit in the drinking water of\n\
                   eleven primary schools in Northshire.\n\n\
                   We urge you to:\n\n\
                   \t•\tReplace every lead service pipe in county schools before the next school year;\n\
                   \t•\tPublish the test results for every school, including those below the limit."
                .to_string(),
            asks: strings(&[
                "Replace every lead service pipe in county schools before the next school year",
                "Publish the test results for every school, including those below the limit.",
            ]),
            closing: some("Yours faithfully,"),
            signer: signer("Owen Price", None, Some("Safe Water Northshire"), &[]),
            ..Letter::default()
        }
    );
}

#[test]
fn to_line_names_the_recipient_and_a_list_may_follow_its_intro_directly() {
    let text = fixture!("to-line.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: None,
            recipients: vec![recipient(
                "Mayor Jane Roe",
                None,
                Some("City of Riverton"),
                &[]
            )],
            subject: some("Keep the Eastside library open"),
            salutation: some("Dear Mayor Roe,"),
            body: between(text, "Dear Mayor Roe,", "Best regards,"),
            asks: strings(&[
                "Withdraw the proposal to close the Eastside branch from the 2028 budget",
                "Hold a public meeting in Eastside before any decision is taken.",
            ]),
            closing: some("Best regards,"),
            signer: signer(
                "Sam Lee",
                None,
                Some("Friends of Eastside Library"),
                &["sam@eastsidelibrary.example"],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn wrapped_ask_items_are_joined_into_one_line_each() {
    let text = fixture!("wrapped-asks.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("March 2, 2027"),
            recipients: vec![recipient(
                "Board of Directors",
                None,
                Some("Riverton Transit Authority"),
                &["100 Main Street", "Riverton, RS 10001"],
            )],
            subject: some("Proposed fare increase"),
            salutation: some("Dear Members of the Board:"),
            body: between(text, "Dear Members of the Board:", "Respectfully,"),
            asks: strings(&[
                "Freeze fares for riders on reduced-fare programmes until an equity analysis has been \
                 published and discussed at a public meeting",
                "Restore the late-night service on routes 4 and 12, which nurses, cleaners and restaurant \
                 workers depend on to get home safely",
                "Publish ridership data by route every quarter, in an open format that community groups \
                 can analyse.",
            ]),
            closing: some("Respectfully,"),
            signer: signer(
                "Dana Ortiz",
                None,
                Some("Riders United"),
                &["(555) 010-2030", "www.ridersunited.example"],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn sender_letterhead_is_not_a_headline_and_only_the_first_signer_is_kept() {
    let text = fixture!("letterhead-two-signers.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("18 August 2027"),
            recipients: vec![recipient(
                "Ms. Ruth Mensah",
                Some("Chief Executive"),
                Some("Southern Water Services"),
                &[],
            )],
            subject: some("Sewage discharges into the River Ash"),
            salutation: some("Dear Ms. Mensah,"),
            body: between(text, "Dear Ms. Mensah,", "Yours sincerely,"),
            asks: vec![],
            closing: some("Yours sincerely,"),
            signer: signer(
                "Priya Shah",
                Some("Director"),
                Some("Coalition for Clean Rivers"),
                &["priya@cleanrivers.example", "+44 20 7946 0958"],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn markdown_heading_emphasis_and_images_are_stripped_from_extracted_parts() {
    let text = fixture!("markdown-front-matter.md");
    let letter_part = text
        .split("+++")
        .nth(2)
        .expect("letter after the front matter");

    let letter = parse_letter(letter_part);

    assert_eq!(
        letter,
        Letter {
            headline: some("Save the Eastside wetlands"),
            intro: some(
                "The city wants to drain the last wetland on the east bank for a parking garage. \
                 Tell the Planning Committee to vote no."
            ),
            date: some("March 15, 2027"),
            recipients: vec![recipient(
                "Councillor Priya Raman",
                Some("Chair, Planning Committee"),
                Some("Riverton City Council"),
                &[],
            )],
            subject: some("Planning application 27/0412, Eastside wetlands"),
            salutation: some("Dear Councillor Raman,"),
            body: between(text, "Dear Councillor Raman,", "Kind regards,"),
            asks: strings(&[
                "**Reject** planning application 27/0412",
                "Designate the Eastside wetlands as a local nature reserve",
                "Commission a flood-risk study for the east bank before any new building is approved.",
            ]),
            closing: some("Kind regards,"),
            signer: signer(
                "Lena Fischer",
                Some("Coordinator"),
                Some("Friends of Eastside"),
                &["lena@friendsofeastside.example"],
            ),
            cc: vec![],
        }
    );
}

#[test]
fn empty_or_blank_text_gives_an_empty_letter() {
    assert_eq!(parse_letter(""), Letter::default());
    assert_eq!(parse_letter("\u{feff}\r\n  \n\t\n"), Letter::default());
}

#[test]
fn a_name_on_the_closing_line_becomes_the_signer() {
    let letter =
        parse_letter("Dear Ms. Roe,\n\nPlease act.\n\nSincerely, Ana Petrović\nRiver Commons\n");

    assert_eq!(letter.salutation, some("Dear Ms. Roe,"));
    assert_eq!(letter.body, "Please act.");
    assert_eq!(letter.closing, some("Sincerely,"));
    assert_eq!(
        letter.signer,
        signer("Ana Petrović", None, Some("River Commons"), &[])
    );
}

#[test]
fn a_number_that_starts_a_wrapped_prose_line_is_not_a_list() {
    let text = "Dear Mayor,\n\nThe council met on March\n10. It decided nothing at all.\n\nThank you,\nSam\n";

    let letter = parse_letter(text);

    assert_eq!(letter.asks, Vec::<String>::new());
    assert_eq!(
        letter.body,
        "The council met on March\n10. It decided nothing at all."
    );
    assert_eq!(letter.closing, some("Thank you,"));
    assert_eq!(letter.signer, signer("Sam", None, None, &[]));
}

#[test]
fn nested_items_stay_inside_their_parent_ask() {
    let text = "Dear Minister,\n\nWe urge you to:\n\n1. Protect the river:\n   a) no dams;\n   b) no dredging;\n2. Meet the villages.\n\nSincerely,\nAna\n";

    let letter = parse_letter(text);

    assert_eq!(
        letter.asks,
        strings(&[
            "Protect the river: a) no dams; b) no dredging",
            "Meet the villages."
        ])
    );
}

#[test]
fn a_letter_with_only_a_body_keeps_it_whole() {
    let text =
        "We, the undersigned, ask the council to keep the pool open.\n\nResidents of Eastside\n";

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            body: "We, the undersigned, ask the council to keep the pool open.\n\nResidents of Eastside".to_string(),
            ..Letter::default()
        }
    );
}

#[test]
fn no_cut_of_any_fixture_and_no_odd_text_makes_the_parser_panic() {
    let fixtures = [
        fixture!("river-commons-dam.txt"),
        fixture!("markdown-front-matter.md"),
        fixture!("german.txt"),
        fixture!("french.txt"),
        fixture!("armenian.txt"),
        fixture!("crlf-bom.txt"),
        fixture!("web-page-debris.txt"),
        fixture!("press-release-dateline.txt"),
        fixture!("attachments-enclosures.txt"),
        fixture!("no-closing-signer.txt"),
        fixture!("social-share-cookies.txt"),
        fixture!("read-more-related.txt"),
        fixture!("russian.txt"),
        fixture!("azerbaijani.txt"),
    ];
    for text in fixtures {
        for (i, _) in text.char_indices().step_by(31) {
            parse_letter(&text[..i]);
            parse_letter(&text[i..]);
        }
    }
    for odd in [
        "*",
        "**",
        "#",
        "# ",
        "![",
        "[a](",
        "1.",
        "(",
        "()",
        "a)",
        "- ",
        "•",
        "Dear",
        "Dear ,",
        "Re:",
        "cc:",
        "To:",
        "Sincerely,",
        "+++",
        "\u{feff}",
        "\r",
        "\t•\t",
        "ü.",
        "(ü) x",
        "Sincerely, ",
        "Dear X,\nSincerely,",
        "ǅ and",
        "x İ and",
    ] {
        parse_letter(odd);
    }
}

#[test]
fn a_one_line_recipient_with_an_honorific_is_split_into_name_and_title() {
    let text = "Hon. Jane Roe, Minister of Energy\n\nDear Minister:\n\nText.\n\nSincerely,\n\nAna Petrović\nRiver Commons\n\nJohn Smith\nClean Rivers\n";

    let letter = parse_letter(text);

    assert_eq!(letter.headline, None);
    assert_eq!(
        letter.recipients,
        vec![recipient(
            "Hon. Jane Roe",
            Some("Minister of Energy"),
            None,
            &[]
        )]
    );
    assert_eq!(
        letter.signer,
        signer("Ana Petrović", None, Some("River Commons"), &[])
    );
}

#[test]
fn a_page_title_directly_above_the_salutation_is_the_headline_not_a_recipient() {
    let text = "Stop the dam now\n\nRead the letter below:\n\n**Dear Minister,**\n\nWe urge you to:\n\n- stop it\n- hear us\n\nSincerely,\nAna\n";

    let letter = parse_letter(text);

    assert_eq!(letter.headline, some("Stop the dam now"));
    assert_eq!(letter.intro, None);
    assert_eq!(letter.recipients, vec![]);
    assert_eq!(letter.salutation, some("Dear Minister,"));
    assert_eq!(letter.asks, strings(&["stop it", "hear us"]));
}

#[test]
fn the_body_is_laid_out_with_prose_reflowed_and_each_list_item_on_its_own_line() {
    let body = "We write to ask that you\npostpone the vote.\n\nWe urge you to:\n\n1. Postpone the vote\n   until hearings;\n2. Publish the plan.";
    assert_eq!(
        super::body_paragraphs(body),
        vec![
            vec!["We write to ask that you postpone the vote.".to_string()],
            vec!["We urge you to:".to_string()],
            vec![
                "1. Postpone the vote until hearings;".to_string(),
                "2. Publish the plan.".to_string()
            ],
        ]
    );
}

#[test]
fn a_signer_line_of_title_and_organisation_names_both_and_an_obfuscated_address_is_left_out() {
    let letter = parse_letter(fixture!("cloudflare-signer.txt"));

    assert_eq!(
        letter.signer,
        signer(
            "Nare Hakobyan",
            Some("Programme Officer"),
            Some("Free Voices Network"),
            &[]
        )
    );
    assert_eq!(letter.asks.len(), 3, "{:?}", letter.asks);
    for variant in [
        "[email protected]",
        "[email&#160;protected]",
        "Email: [email\u{a0}protected]",
    ] {
        let text = fixture!("cloudflare-signer.txt")
            .replace("[email protected] | +374 10 555 014", variant);
        let signer = parse_letter(&text).signer.expect("a signer");
        assert!(signer.contact.is_empty(), "{variant}: {:?}", signer.contact);
    }
}
