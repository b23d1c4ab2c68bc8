// @generated automatically by Diesel CLI.

diesel::table! {
    asks (campaign_id, position) {
        campaign_id -> Uuid,
        position -> Int4,
        text -> Text,
    }
}

diesel::table! {
    campaign_counters (campaign_id) {
        campaign_id -> Uuid,
        signatures -> Int8,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Uuid,
        slug -> Text,
        status -> Text,
        title -> Text,
        headline -> Nullable<Text>,
        intro -> Nullable<Text>,
        letter_date -> Nullable<Text>,
        subject -> Nullable<Text>,
        salutation -> Nullable<Text>,
        body -> Text,
        closing -> Nullable<Text>,
        signer -> Nullable<Jsonb>,
        recipients -> Jsonb,
        cc -> Jsonb,
        goal -> Nullable<Int8>,
        closes_at -> Nullable<Timestamptz>,
        delivery -> Text,
        source_text -> Text,
        created_at -> Timestamptz,
        launched_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        organisation -> Nullable<Text>,
        privacy_url -> Nullable<Text>,
    }
}

diesel::table! {
    mail_status (id) {
        id -> Bool,
        paused_at -> Nullable<Timestamptz>,
        paused_reason -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Uuid,
        kind -> Text,
        campaign_id -> Nullable<Uuid>,
        recipient -> Text,
        recipient_name -> Nullable<Text>,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        message_id -> Text,
        state -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        lease_token -> Nullable<Uuid>,
        leased_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    rate_limits (bucket, window_start) {
        bucket -> Text,
        window_start -> Timestamptz,
        hits -> Int4,
    }
}

diesel::table! {
    signature_confirm_tokens (token_hash) {
        token_hash -> Text,
        signature_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    signatures (id) {
        id -> Uuid,
        campaign_id -> Uuid,
        supporter_id -> Uuid,
        name -> Text,
        country -> Text,
        postcode -> Nullable<Text>,
        comment -> Nullable<Text>,
        wants_updates -> Bool,
        state -> Text,
        held_reason -> Nullable<Text>,
        source -> Nullable<Text>,
        ip_hash -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamptz>,
        duplicate_notices -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    supporters (id) {
        id -> Uuid,
        email -> Text,
        email_canonical -> Text,
        created_at -> Timestamptz,
        alerts_consent_at -> Nullable<Timestamptz>,
        alerts_consent_wording -> Nullable<Text>,
        unsubscribed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    suppressions (email_canonical) {
        email_canonical -> Text,
        reason -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    targets (id) {
        id -> Uuid,
        campaign_id -> Uuid,
        position -> Int4,
        name -> Text,
        title -> Nullable<Text>,
        email -> Text,
    }
}

diesel::joinable!(asks -> campaigns (campaign_id));
diesel::joinable!(campaign_counters -> campaigns (campaign_id));
diesel::joinable!(outbox -> campaigns (campaign_id));
diesel::joinable!(signature_confirm_tokens -> signatures (signature_id));
diesel::joinable!(signatures -> campaigns (campaign_id));
diesel::joinable!(signatures -> supporters (supporter_id));
diesel::joinable!(targets -> campaigns (campaign_id));

diesel::allow_tables_to_appear_in_same_query!(
    asks,
    campaign_counters,
    campaigns,
    mail_status,
    outbox,
    rate_limits,
    signature_confirm_tokens,
    signatures,
    supporters,
    suppressions,
    targets,
);
