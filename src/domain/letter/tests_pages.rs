//! Fixture tests for letters pasted with the web page or press release around them, letters
//! without a closing word, sign-on letters, and letters in Russian and Azerbaijani.

use super::tests::{between, recipient, signer, some, strings};
use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../tests/fixtures/letters/", $name))
    };
}

#[test]
fn press_release_furniture_and_a_download_line_are_dropped_and_the_dateline_stays_in_the_intro() {
    let text = fixture!("press-release-dateline.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            headline: some(
                "Twenty groups urge the Minister of the Sea to ban bottom trawling in marine parks"
            ),
            intro: some(
                "LISBON, 4 May 2027 — Twenty fishing and conservation organisations today sent the letter \
                 below to Portugal's Minister of the Sea, asking her to end bottom trawling in the country's \
                 marine protected areas before the licensing round opens in July.\n\n\
                 \"Our protected areas are protected on paper only,\" said Rui Santos of Oceanos Vivos."
            ),
            date: None,
            recipients: vec![recipient(
                "Minister Inês Carvalho",
                Some("Minister of the Sea"),
                Some("Ministry of the Sea"),
                &["Praça do Comércio", "1149-010 Lisboa"],
            )],
            subject: None,
            salutation: some("Dear Minister Carvalho,"),
            body: between(text, "Dear Minister Carvalho,", "Yours sincerely,"),
            asks: strings(&[
                "ban bottom trawling in every marine protected area by the end of 2027",
                "publish the positions of all trawlers fishing inside protected areas",
                "fund the move of small-scale fleets to low-impact gear.",
            ]),
            closing: some("Yours sincerely,"),
            signer: signer("Rui Santos", Some("Policy Officer"), Some("Oceanos Vivos"), &[]),
            cc: vec![],
        }
    );
}

#[test]
fn attachment_and_enclosure_lines_are_neither_body_nor_signer() {
    let text = fixture!("attachments-enclosures.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            headline: None,
            intro: None,
            date: some("12 January 2028"),
            recipients: vec![recipient(
                "Ms. Helen Carter",
                Some("Director of Housing"),
                Some("Bristol City Council"),
                &["City Hall", "College Green", "Bristol BS1 5TR"],
            )],
            subject: some("Damp and mould in Hillside council flats"),
            salutation: some("Dear Ms. Carter,"),
            body: between(text, "Dear Ms. Carter,", "Attachments:"),
            asks: strings(&[
                "inspect every flat on the estate before the end of March",
                "publish a repair schedule with dates for each block",
                "rehouse families with children under five whose homes fail the inspection.",
            ]),
            closing: some("Yours faithfully,"),
            signer: signer(
                "Grace Mwangi",
                Some("Secretary"),
                Some("Hillside Tenants' Union"),
                &["secretary@hillsidetenants.example"],
            ),
            cc: vec![],
        }
    );
}

#[test]
fn a_sign_on_letter_keeps_its_signer_and_leaves_the_co_signing_organisations_out() {
    let text = fixture!("sign-on-co-signers.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            headline: some("Open letter: Protect the Danube delta from dredging"),
            intro: some(
                "More than 60 organisations from five countries have signed this letter to the European \
                 Commission. Organisations can still add their name until 30 June."
            ),
            date: None,
            recipients: vec![recipient(
                "Commissioner Elena Popescu",
                Some("Commissioner for Environment"),
                Some("European Commission"),
                &[],
            )],
            subject: None,
            salutation: some("Dear Commissioner Popescu,"),
            body: between(text, "Dear Commissioner Popescu,", "Sincerely,"),
            asks: strings(&[
                "open infringement proceedings over the missing environmental impact assessment",
                "require a transboundary assessment before any further dredging",
                "make EU funding for the channel conditional on that assessment.",
            ]),
            closing: some("Sincerely,"),
            signer: signer(
                "Dr. Mihai Ionescu",
                Some("Executive Director"),
                Some("Danube Delta Alliance"),
                &[],
            ),
            cc: vec![],
        }
    );
}

#[test]
fn a_signer_block_without_a_closing_word_is_the_signer_with_its_lines_kept() {
    let text = fixture!("no-closing-signer.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            salutation: some("Dear Mayor Lindqvist,"),
            body: between(text, "Dear Mayor Lindqvist,", "Karin Holm"),
            asks: strings(&[
                "keep route 7 a protected cycle lane",
                "find the extra bus capacity on Götgatan instead.",
            ]),
            closing: None,
            signer: signer(
                "Karin Holm",
                Some("Chair"),
                Some("Södermalm Cyclists' Association"),
                &["karin@sodercykel.example"],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn cookie_banners_share_buttons_unlabelled_credits_and_invitations_to_get_the_letter_are_dropped() {
    let text = fixture!("social-share-cookies.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            headline: some("Save the Tisza floodplain forests"),
            intro: some(
                "Floodplain forests along the Tisza are being cleared for a new flood barrier that could be \
                 built without felling a single tree. We have written to the minister."
            ),
            date: some("21 May 2027"),
            recipients: vec![recipient(
                "Mr. Gábor Szabó",
                Some("Minister of Agriculture"),
                None,
                &["Kossuth Lajos tér 11", "1055 Budapest"],
            )],
            subject: None,
            salutation: some("Dear Minister Szabó,"),
            body: between(text, "Dear Minister Szabó,", "Yours sincerely,"),
            asks: vec![],
            closing: some("Yours sincerely,"),
            signer: signer("Ágnes Kovács", None, Some("Tisza Alliance"), &[]),
            cc: vec![],
        }
    );
}

#[test]
fn image_captions_with_credits_are_dropped_from_the_intro() {
    let text = fixture!("image-captions.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            headline: some("Keep the Brenner valley quiet at night"),
            intro: some(
                "Residents of the Brenner valley have lived with night-time freight traffic for twenty years. \
                 Now they are asking the province to act."
            ),
            date: some("8 June 2027"),
            recipients: vec![recipient(
                "Dr. Paolo Ferrari",
                Some("President of the Province"),
                None,
                &["Piazza Silvius Magnago 1", "39100 Bolzano"],
            )],
            subject: None,
            salutation: some("Dear President Ferrari,"),
            body: between(text, "Dear President Ferrari,", "Kind regards,"),
            asks: strings(&[
                "ban transit trucks from the A22 between 22:00 and 05:00",
                "fund noise barriers for the villages closest to the motorway.",
            ]),
            closing: some("Kind regards,"),
            signer: signer("Maria Steiner", None, Some("Valley Voices"), &[]),
            cc: vec![],
        }
    );
}

#[test]
fn breadcrumbs_publication_lines_and_read_more_and_related_blocks_are_dropped() {
    let text = fixture!("read-more-related.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            headline: some("Keep Riverside Library open on Sundays"),
            intro: some(
                "The council plans to close Riverside Library on Sundays from April. For many families it is \
                 the only warm, free place to spend the weekend."
            ),
            date: None,
            recipients: vec![],
            subject: None,
            salutation: some("Dear Councillor Patel,"),
            body: between(text, "Dear Councillor Patel,", "Kind regards,"),
            asks: vec![],
            closing: some("Kind regards,"),
            signer: signer("Ben Carter", None, Some("Friends of Riverside Library"), &[]),
            cc: vec![],
        }
    );
}

#[test]
fn russian_letter_with_the_office_before_the_name_is_read_like_any_other() {
    let text = fixture!("russian.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("15 марта 2027 г."),
            recipients: vec![recipient(
                "А. А. Козлову",
                Some("Министру природных ресурсов и экологии Российской Федерации"),
                None,
                &["ул. Большая Грузинская, д. 4/6", "Москва, 125993"],
            )],
            subject: some("Защита берегов Байкала от застройки"),
            salutation: some("Уважаемый Александр Александрович!"),
            body: between(text, "Уважаемый Александр Александрович!", "С уважением,"),
            asks: strings(&[
                "Приостановить выдачу разрешений на строительство в центральной экологической зоне",
                "Опубликовать данные мониторинга качества воды за последние пять лет.",
            ]),
            closing: some("С уважением,"),
            signer: signer(
                "Ирина Соколова",
                Some("Координатор"),
                Some("Общественная коалиция «Живой Байкал»"),
                &["sokolova@zhivoibaikal.example"],
            ),
            ..Letter::default()
        }
    );
}

#[test]
fn azerbaijani_letter_is_read_like_any_other() {
    let text = fixture!("azerbaijani.txt");

    let letter = parse_letter(text);

    assert_eq!(
        letter,
        Letter {
            date: some("10 aprel 2027-ci il"),
            recipients: vec![recipient(
                "cənab Muxtar Babayev",
                Some("Azərbaycan Respublikasının Ekologiya və Təbii Sərvətlər Naziri"),
                None,
                &["Bakı şəhəri, B. Ağayev küçəsi 100A, AZ1073"],
            )],
            subject: some("Göygöl Milli Parkının qorunması"),
            salutation: some("Hörmətli cənab Nazir!"),
            body: between(text, "Hörmətli cənab Nazir!", "Hörmətlə,"),
            asks: strings(&[
                "tikinti icazəsini ləğv edəsiniz",
                "parkın sərhədlərini qanunla qoruyasınız.",
            ]),
            closing: some("Hörmətlə,"),
            signer: signer(
                "Leyla Məmmədova",
                Some("Koordinator"),
                Some("\"Yaşıl Gəncə\" İctimai Birliyi"),
                &[],
            ),
            ..Letter::default()
        }
    );
}
