//! The vocabulary the letter parser recognises, in the languages letters arrive in:
//! salutations, closings, labels, web-page debris, month names, words of titles,
//! organisations and addresses. All lower-case.

/// Phrases that introduce the list of asks, lower-case.
#[rustfmt::skip]
pub(super) const ASK_INTROS: &[&str] = &[
    "urge you", "we urge", "ask that you", "ask you to", "we ask", "call on you", "call upon you",
    "calls on", "we request", "request that", "we therefore ask", "we respectfully", "we demand",
    "our demands", "our asks", "we call for", "we call on", "asking you to", "fordern sie auf",
    "fordern wir", "fordern sie", "bitten sie", "bitten wir", "appellieren", "vous demandons",
    "vous exhortons", "demandons", "exhortons", "vous prions", "appelons", "le pedimos",
    "les pedimos", "instamos", "solicitamos", "exigimos", "pedimos", "le chiediamo", "vi chiediamo",
    "chiediamo", "esortiamo", "закликаємо", "просимо", "призываем", "просим", "խնդրում ենք",
    "կոչ ենք անում", "გთხოვთ", "მოვუწოდებთ",
    "xahiş edirik", "çağırırıq", "tələb edirik",
];

/// Month names (and common abbreviations) in the languages letters arrive in.
#[rustfmt::skip]
pub(super) const MONTHS: &[&str] = &[
    // English
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
    // German
    "januar", "jänner", "februar", "märz", "maerz", "juni", "juli", "oktober", "dezember",
    // French
    "janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet", "août", "aout",
    "septembre", "octobre", "novembre", "décembre", "decembre",
    // Spanish
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "setiembre", "octubre", "noviembre", "diciembre",
    // Italian
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre",
    "dicembre",
    // Ukrainian and Russian (genitive)
    "січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
    "жовтня", "листопада", "грудня", "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
    "августа", "сентября", "октября", "ноября", "декабря",
    // Armenian (genitive)
    "հունվարի", "փետրվարի", "մարտի", "ապրիլի", "մայիսի", "հունիսի", "հուլիսի", "օգոստոսի",
    "սեպտեմբերի", "հոկտեմբերի", "նոյեմբերի", "դեկտեմբերի",
    // Georgian
    "იანვარი", "თებერვალი", "მარტი", "აპრილი", "მაისი", "ივნისი", "ივლისი", "აგვისტო", "სექტემბერი",
    "ოქტომბერი", "ნოემბერი", "დეკემბერი",
    // Azerbaijani
    "yanvar", "fevral", "mart", "aprel", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr",
    "dekabr",
];

/// Words that may surround the day, month and year without changing the date.
#[rustfmt::skip]
pub(super) const FILLERS: &[&str] = &[
    "de", "del", "of", "the", "den", "le", "el", "il", "am", "on", "г", "р", "թ", "წ", "წლის",
    "року", "года", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lundi",
    "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes", "miércoles",
    "jueves", "viernes", "sábado", "domingo",
];

/// Words that mark a line as someone's position.
#[rustfmt::skip]
pub(super) const TITLE_WORDS: &[&str] = &[
    "director", "directrice", "directeur", "directora", "coordinator", "coordinadora",
    "coordinador", "coordinatrice", "coordinatore", "chair", "chairman", "chairwoman",
    "chairperson", "president", "présidente", "président", "presidente", "vorsitzende",
    "vorsitzender", "geschäftsführer", "geschäftsführerin", "manager", "officer", "executive",
    "ceo", "founder", "co-founder", "secretary", "head", "lead", "campaigner", "campaigns",
    "spokesperson", "sprecher", "sprecherin", "referent", "referentin", "leiter", "leiterin",
    "responsable", "minister", "ministerin", "bundesminister", "bundesministerin", "ministre",
    "ministra", "ministro", "governor", "mayor", "senator", "representative", "member",
    "commissioner", "ambassador", "advisor", "adviser", "counsel", "organizer", "organiser",
    "treasurer", "trustee", "mp", "mep", "chief", "staatssekretär", "staatssekretärin",
    "secretaria", "secretario", "alcalde", "alcaldesa", "maire", "sindaco", "նախարար", "համակարգող",
    "տնօրեն", "მინისტრი", "დირექტორი",
    "министр", "министру", "министра", "координатор", "председатель", "директор", "руководитель",
    "nazir", "naziri", "koordinator", "sədr", "sədri", "direktor", "direktoru", "rəhbəri",
];

/// Words that mark a line as an organisation.
#[rustfmt::skip]
pub(super) const ORGANISATION_WORDS: &[&str] = &[
    "ministry", "ministerium", "ministère", "ministerio", "ministero", "department", "office",
    "agency", "authority", "commission", "committee", "council", "parliament", "bundestag",
    "assemblée", "congress", "senate", "government", "administration", "bureau", "union",
    "association", "verband", "verein", "e.v.", "foundation", "stiftung", "fondation", "fundación",
    "network", "alliance", "coalition", "institute", "university", "inc", "inc.", "ltd", "ltd.",
    "llc", "gmbh", "company", "corporation", "society", "federation", "city", "county",
    "municipality", "gemeinde", "stadt", "ayuntamiento", "mairie", "friends", "board",
    "նախարարություն", "სამინისტრო", "министерство", "nazirliyi", "birliyi",
];

/// Words of a street address.
#[rustfmt::skip]
pub(super) const STREET_WORDS: &[&str] = &[
    "street", "st.", "avenue", "ave", "ave.", "road", "rd.", "square", "boulevard", "blvd", "lane",
    "drive", "plaza", "straße", "strasse", "str.", "platz", "weg", "allee", "ufer", "rue", "calle",
    "avenida", "paseo", "via", "piazza", "box", "suite", "floor", "postfach", "cedex", "embankment",
    "quai", "room", "gasse", "tér", "utca", "út", "ул", "улица", "пр", "проспект", "д",
    "küçəsi", "prospekti",
];

/// Endings of compound street names ("Scharnhorststraße").
#[rustfmt::skip]
pub(super) const STREET_SUFFIXES: &[&str] = &[
    "straße", "strasse", "str.", "platz", "allee", "gasse", "damm", "ufer",
];

/// Forms of address that open a person's name line.
#[rustfmt::skip]
pub(super) const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "hon", "the hon", "the rt hon", "sir", "dame",
    "lord", "lady", "frau", "herr", "madame", "monsieur", "mme", "m", "sr", "sra", "srta", "señor",
    "señora", "don", "doña", "dña", "sig", "sig.ra", "signor", "signora", "senator", "councillor",
    "councilor", "mayor", "pan", "pani", "пан", "пані", "տիկին", "պարոն", "ბატონი", "ქალბატონი", "cənab", "xanım",
    "господин", "госпожа", "г-н", "г-жа",
];

/// Openings of a salutation line, lower-case.
#[rustfmt::skip]
pub(super) const SALUTATIONS: &[&str] = &[
    "dear ", "to whom it may concern", "your excellency", "excellency", "excellencies", "hello",
    "hi ", "sehr geehrte", "liebe ", "lieber ", "hallo", "guten tag", "madame", "monsieur",
    "mesdames", "messieurs", "chère", "cher ", "chers ", "estimad", "distinguid", "apreciad",
    "señor", "señora", "gentile", "gentili", "egregi", "spettabile", "caro ", "cara ", "cari ",
    "geachte", "beste ", "szanown", "vážen", "prezad", "exm", "шановн", "уважаем", "дорог",
    "հարգելի", "պատվարժան", "ბატონო", "ქალბატონო", "პატივცემულ", "hörmətli",
];

/// Salutations that may be written without a final comma or colon.
#[rustfmt::skip]
pub(super) const BARE_SALUTATIONS: &[&str] = &[
    "dear ", "sehr geehrte", "to whom it may concern",
];

/// Closing formulas, lower-case, without their final punctuation.
#[rustfmt::skip]
pub(super) const CLOSINGS: &[&str] = &[
    "sincerely", "yours sincerely", "sincerely yours", "yours faithfully", "faithfully",
    "respectfully", "respectfully yours", "yours respectfully", "respectfully submitted",
    "kind regards", "best regards", "warm regards", "warmest regards", "regards", "with regards",
    "with kind regards", "with best regards", "best wishes", "with best wishes", "warmly",
    "in solidarity", "with gratitude", "gratefully", "with appreciation", "with thanks",
    "many thanks", "yours truly", "very truly yours", "cordially", "mit freundlichen grüßen",
    "mit freundlichen grüssen", "freundliche grüße", "mit besten grüßen", "beste grüße",
    "viele grüße", "hochachtungsvoll", "cordialement", "bien cordialement", "sincères salutations",
    "salutations distinguées", "atentamente", "muy atentamente", "cordialmente",
    "saludos cordiales", "un cordial saludo", "un saludo", "cordiali saluti", "distinti saluti",
    "con osservanza", "i migliori saluti", "met vriendelijke groet", "hoogachtend", "z poważaniem",
    "atenciosamente", "з повагою", "с уважением", "հարգանքով", "პატივისცემით", "hörmətlə",
];

/// Closings that count only when they stand alone on their line ("Thank you,").
#[rustfmt::skip]
pub(super) const BARE_CLOSINGS: &[&str] = &[
    "thank you", "thanks", "best", "yours",
];

/// French closing sentences that take a whole paragraph.
#[rustfmt::skip]
pub(super) const CLOSING_SENTENCES: &[&str] = &[
    "veuillez agréer", "je vous prie d'agréer", "je vous prie de recevoir",
    "nous vous prions d'agréer", "nous vous prions de recevoir", "recevez, madame",
    "recevez, monsieur", "veuillez recevoir",
];

#[rustfmt::skip]
pub(super) const SUBJECT_LABELS: &[&str] = &[
    "re", "subject", "subj", "regarding", "betreff", "betr", "objet", "asunto", "oggetto",
    "assunto", "onderwerp", "temat", "věc", "тема", "թեմա", "თემა", "mövzu",
];

#[rustfmt::skip]
pub(super) const CC_LABELS: &[&str] = &[
    "cc", "c.c", "copy", "copies", "copy to", "copies to", "kopie", "kopie an", "copie", "copie à",
    "copia", "copia a", "копія", "копия",
];

#[rustfmt::skip]
pub(super) const TO_LABELS: &[&str] = &[
    "to", "an", "à", "attn", "attention",
];

/// Labels of the lines that list what came with the letter.
#[rustfmt::skip]
pub(super) const ENCLOSURE_LABELS: &[&str] = &[
    "attachment", "attachments", "attached", "enclosure", "enclosures", "enclosed", "encl", "enc",
    "anlage", "anlagen", "pièce jointe", "pièces jointes", "p.j", "pj", "anexo", "anexos",
    "adjunto", "allegato", "allegati", "приложение", "приложения", "додаток", "додатки", "əlavə",
    "əlavələr", "կից", "დანართი",
];
