//! The fields of a contact, by the names attend gives them (in `register/contacts.csv`, and in
//! `import.contact_columns` of attend.yaml), and the header names MIS exports use for each.

/// Fields of the person (one row of `contacts.csv` each), in the file's column order.
pub const PERSON_FIELDS: [&str; 17] = [
    "mis_id",
    "title",
    "forename",
    "surname",
    "name",
    "address_1",
    "address_2",
    "address_3",
    "address_4",
    "town",
    "county",
    "postcode",
    "home_phone",
    "work_phone",
    "mobile_phone",
    "email",
    "preferred_contact",
];

/// Fields of a person's link to one pupil (one row of `pupil-contacts.csv` each).
pub const LINK_FIELDS: [&str; 5] = [
    "priority",
    "relationship",
    "parental_responsibility",
    "lives_with_pupil",
    "no_contact",
];

/// Every field an export's column can be read into, with the header names MIS exports use (in
/// lower case, after the group prefix such as `Contact 1` is taken off). `address` is a whole
/// address in one cell; `receives_correspondence` is `no_contact` the other way round.
pub const ALIASES: &[(&str, &[&str])] = &[
    (
        "mis_id",
        &[
            "id",
            "contact id",
            "ref",
            "reference",
            "contact ref",
            "contact reference",
            "person id",
            "guardian id",
            "mis id",
            "contact number",
        ],
    ),
    ("title", &["title", "contact title"]),
    (
        "forename",
        &[
            "forename",
            "forenames",
            "first name",
            "firstname",
            "given name",
            "given names",
            "christian name",
        ],
    ),
    (
        "surname",
        &["surname", "last name", "lastname", "family name"],
    ),
    (
        "name",
        &[
            "name",
            "full name",
            "contact name",
            "parent name",
            "guardian name",
            "carer name",
        ],
    ),
    (
        "relationship",
        &[
            "relationship",
            "relation",
            "relationship to pupil",
            "relationship to student",
            "relationship to child",
            "relationship to learner",
            "relationship type",
            "relationship description",
        ],
    ),
    (
        "parental_responsibility",
        &[
            "parental responsibility",
            "pr",
            "has parental responsibility",
            "parental resp",
            "legal guardian",
            "has pr",
        ],
    ),
    (
        "priority",
        &[
            "priority",
            "contact priority",
            "contact order",
            "order",
            "priority order",
            "sequence",
            "contact sequence",
        ],
    ),
    (
        "lives_with_pupil",
        &[
            "lives with pupil",
            "lives with student",
            "lives with child",
            "lives with learner",
            "lives with",
            "lives at same address",
            "same address",
            "resides with pupil",
            "living with pupil",
        ],
    ),
    (
        "no_contact",
        &[
            "court order",
            "court order in place",
            "no contact",
            "do not contact",
            "do not send correspondence",
            "no correspondence",
            "correspondence not allowed",
        ],
    ),
    (
        "receives_correspondence",
        &[
            "receives correspondence",
            "receive correspondence",
            "send correspondence",
            "correspondence",
        ],
    ),
    (
        "address",
        &[
            "address",
            "full address",
            "postal address",
            "home address",
            "address block",
        ],
    ),
    (
        "address_1",
        &[
            "address 1",
            "address line 1",
            "address1",
            "addr 1",
            "line 1",
            "house",
            "house name",
            "house number",
            "house name or number",
        ],
    ),
    (
        "address_2",
        &[
            "address 2",
            "address line 2",
            "address2",
            "addr 2",
            "line 2",
            "street",
        ],
    ),
    (
        "address_3",
        &[
            "address 3",
            "address line 3",
            "address3",
            "addr 3",
            "line 3",
            "locality",
            "district",
        ],
    ),
    (
        "address_4",
        &[
            "address 4",
            "address line 4",
            "address4",
            "addr 4",
            "line 4",
        ],
    ),
    (
        "town",
        &["town", "city", "post town", "town city", "town or city"],
    ),
    ("county", &["county"]),
    (
        "postcode",
        &["postcode", "post code", "postal code", "zip", "zip code"],
    ),
    (
        "home_phone",
        &[
            "home phone",
            "home telephone",
            "home tel",
            "telephone",
            "phone",
            "tel",
            "telephone number",
            "phone number",
            "landline",
            "home number",
            "home telephone number",
            "main phone",
            "main telephone",
        ],
    ),
    (
        "work_phone",
        &[
            "work phone",
            "work telephone",
            "work tel",
            "work number",
            "work telephone number",
            "daytime phone",
            "business phone",
            "office phone",
        ],
    ),
    (
        "mobile_phone",
        &[
            "mobile",
            "mobile phone",
            "mobile telephone",
            "mobile number",
            "mobile tel",
            "mob",
            "cell",
            "cell phone",
        ],
    ),
    (
        "email",
        &[
            "email",
            "e mail",
            "email address",
            "e mail address",
            "home email",
            "personal email",
            "primary email",
        ],
    ),
    (
        "preferred_contact",
        &[
            "preferred contact",
            "preferred contact method",
            "contact method",
            "preferred method of contact",
            "preferred contact type",
            "preferred method",
            "contact preference",
            "preferred communication",
        ],
    ),
];

/// The fields `import.contact_columns` may name.
pub fn mappable() -> impl Iterator<Item = &'static str> {
    ALIASES.iter().map(|(f, _)| *f)
}

/// A preferred contact method as people and MIS exports write it ("Telephone", "SMS",
/// "E-mail", "Post"...), in the case file's words: `phone`, `text`, `email`, `letter`,
/// `in_person`.
pub fn contact_method_word(text: &str) -> Option<&'static str> {
    let t = crate::text::fold(text);
    Some(match t.as_str() {
        "phone" | "telephone" | "tel" | "call" | "phone call" | "mobile" | "home phone"
        | "landline" | "telephone call" => "phone",
        "text" | "sms" | "text message" | "txt" | "mobile text" => "text",
        "email" | "e mail" => "email",
        "letter" | "post" | "mail" | "postal" | "by post" | "paper" => "letter",
        "in person" | "inperson" | "face to face" | "meeting" => "in_person",
        _ => return None,
    })
}
