//! The vocabulary of web-page furniture, lower-case: whole lines, openings, and the words
//! that make up invitations to get the letter, share buttons, credits and link blocks.

/// Web-page words that are complete lines on their own.
#[rustfmt::skip]
pub(super) const DEBRIS_LINES: &[&str] = &[
    "tweet", "print", "email", "e-mail", "facebook", "twitter", "x", "linkedin", "whatsapp",
    "bluesky", "mastodon", "telegram", "reddit", "copy link", "share", "like", "sign", "sign now",
    "sign the petition", "sign the letter", "add your name", "add your name now", "donate",
    "subscribe", "menu", "home", "search", "advertisement", "pdf", "the letter", "letter",
    "full letter", "the full letter", "the letter below", "full text", "unterschreiben",
    "jetzt unterschreiben", "drucken", "teilen", "signez", "imprimer", "partager",
    "signer la pétition", "firma", "firmar", "firma ahora", "imprimir", "compartir", "news",
    "campaigns", "about", "about us", "contact", "blog", "events", "take action", "get involved",
    "shop", "press", "join", "log in", "sign in", "accept", "accept all", "accept all cookies",
    "reject all", "decline", "got it", "i agree", "manage preferences", "privacy policy",
    "cookie settings", "download", "for immediate release", "press release", "news release", "ends",
];

/// Openings of web-page lines that are not part of the page's text.
#[rustfmt::skip]
pub(super) const DEBRIS_OPENINGS: &[&str] = &[
    "photo:", "photo credit", "photo by", "photos:", "photograph:", "image:",
    "image credit", "image by", "picture:", "credit:", "credits:", "foto:", "bild:", "crédit photo",
    "photo :", "click here", "klicken sie hier", "cliquez ici", "haga clic", "©", "(c) ",
    "copyright", "posted on", "posted by", "published on", "published:", "updated:", "last updated",
    "veröffentlicht am", "publié le", "publicado el", "filed under", "tags:", "categories:",
    "category:", "share this", "share on", "share:", "read the full letter", "read the letter",
    "read more", "weiterlesen", "lire la suite", "leer más", "skip to", "back to", "related:",
    "see also",
    "sign the petition", "sign our petition", "add your name", "media contact", "press contact",
    "media enquiries", "press enquiries", "media inquiries", "press inquiries", "embargoed",
    "for immediate release",
];

/// Headings of blocks of links to other pages.
#[rustfmt::skip]
pub(super) const BLOCK_HEADINGS: &[&str] = &[
    "related", "related articles", "related posts", "related stories", "related news",
    "related content", "related links", "read more", "read also", "also read", "see also",
    "more news", "latest news", "more stories", "you may also like", "you might also like",
    "more from us", "читайте также", "смотрите также", "похожие материалы", "похожие новости",
    "по теме", "oxşar xəbərlər", "həmçinin oxuyun", "mehr zum thema", "lesen sie auch",
    "das könnte sie auch interessieren", "à lire aussi", "lire aussi", "sur le même sujet",
    "ver también", "lee también", "leer también", "noticias relacionadas",
    "artículos relacionados",
];

/// Phrases that ask the reader to click.
#[rustfmt::skip]
pub(super) const CLICK_PHRASES: &[&str] = &[
    "click here", "click to", "click the link", "click below", "tap here", "hier klicken",
    "klicken sie", "cliquez", "haga clic", "haz clic", "clicca", "нажмите", "кликните",
    "klikləyin", "klik edin",
];

/// Stems of verbs that fetch the letter as a file (matched at the start of a word).
#[rustfmt::skip]
pub(super) const STRONG_VERBS: &[&str] = &[
    "download", "herunterlad", "télécharg", "telecharg", "descarg", "scaric", "скача", "загруз",
    "yüklə", "endir",
];

/// Whole words that print the letter.
#[rustfmt::skip]
pub(super) const PRINT_WORDS: &[&str] = &[
    "print", "printable", "drucken", "ausdrucken", "imprimer", "imprimir", "stampa",
    "распечатать", "распечатайте", "çap",
];

/// Stems of verbs that show the letter; they count only with "here" or a file.
#[rustfmt::skip]
pub(super) const WEAK_VERBS: &[&str] = &[
    "read", "view", "open", "see", "find", "access", "lesen", "lire", "lisez", "leer", "lee",
    "leggi", "чита", "прочита", "откр", "oxu", "bax", "aç",
];

/// Stems of words naming the letter or a file.
#[rustfmt::skip]
pub(super) const DOCUMENT_WORDS: &[&str] = &[
    "letter", "brief", "lettre", "carta", "lettera", "письм", "məktub", "document", "dokument",
    "документ", "text", "texte", "texto", "testo", "текст", "mətn", "version", "copy", "file",
];

/// Words that point at a link.
#[rustfmt::skip]
pub(super) const HOW_WORDS: &[&str] = &[
    "here", "hier", "ici", "aquí", "aqui", "qui", "здесь", "тут", "ссылке", "burada", "buradan",
    "link",
];

/// Labels of photo credits and captions, found anywhere in a line.
#[rustfmt::skip]
pub(super) const CREDIT_LABELS: &[&str] = &[
    "photo:", "photo by", "photo credit", "(photo", "photos:", "photograph:", "photographer:",
    "foto:", "fotó:", "фото:", "image:", "image credit", "picture:", "credit:", "crédit photo",
    "bild:", "şəkil:", "caption:", "©",
];

/// Words of share and follow buttons.
#[rustfmt::skip]
pub(super) const SHARE_WORDS: &[&str] = &[
    "share", "tweet", "follow", "facebook", "twitter", "x", "linkedin", "whatsapp", "bluesky",
    "mastodon", "telegram", "reddit", "instagram", "youtube", "tiktok", "threads", "pinterest",
    "vk", "vkontakte", "signal", "messenger", "viber", "поделиться", "paylaş", "teilen",
    "partager", "compartir", "condividi",
];

/// Words that may stand beside them on a share line.
#[rustfmt::skip]
pub(super) const SHARE_FILLERS: &[&str] = &[
    "on", "us", "via", "this", "page", "article", "post", "action", "link", "copy", "with",
    "friends", "by", "the", "in", "auf", "sur", "en", "su", "в", "с",
];

/// First steps of a breadcrumb trail.
#[rustfmt::skip]
pub(super) const HOME_WORDS: &[&str] = &[
    "home", "start", "startseite", "accueil", "inicio", "главная", "ana səhifə", "головна",
];
