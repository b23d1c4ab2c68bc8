// @generated automatically by Diesel CLI.

diesel::table! {
    alerts (id) {
        id -> Uuid,
        subject -> Text,
        body -> Text,
        campaign_id -> Nullable<Uuid>,
        audience -> Text,
        audience_country -> Nullable<Text>,
        audience_campaign_id -> Nullable<Uuid>,
        include_signed -> Bool,
        follow_up_of -> Nullable<Uuid>,
        source_code -> Text,
        state -> Text,
        send_at -> Nullable<Timestamptz>,
        fanned_out_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        recipients -> Int4,
        paused_reason -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    asks (campaign_id, position) {
        campaign_id -> Uuid,
        position -> Int4,
        text -> Text,
    }
}

diesel::table! {
    batch_targets (id) {
        id -> Uuid,
        campaign_id -> Uuid,
        target_id -> Uuid,
        from_seq -> Int4,
        to_seq -> Int4,
        first_number -> Int8,
        last_number -> Int8,
        signature_count -> Int8,
        csv_bytes -> Int8,
        manual -> Bool,
        message_id -> Text,
        state -> Text,
        last_reply -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    batch_pending (signature_id) {
        signature_id -> Uuid,
        campaign_id -> Uuid,
        confirmed_at -> Timestamptz,
        csv_bytes -> Int4,
    }
}

diesel::table! {
    batch_signatures (signature_id) {
        signature_id -> Uuid,
        batch_id -> Uuid,
        confirmed_at -> Timestamptz,
    }
}

diesel::table! {
    batches (id) {
        id -> Uuid,
        campaign_id -> Uuid,
        seq -> Int4,
        reason -> Text,
        tick_at -> Nullable<Timestamptz>,
        cut_at -> Timestamptz,
        signature_count -> Int8,
        total_through -> Int8,
        csv_bytes -> Int8,
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
        delivery_window -> Nullable<Text>,
        delivery_min -> Nullable<Int4>,
        reply_to -> Nullable<Text>,
        public_log -> Bool,
        include_postcode -> Bool,
        delivery_ticked_at -> Nullable<Timestamptz>,
        revision -> Int4,
        retention_hold -> Bool,
        anonymised_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    bounces (id) {
        id -> Uuid,
        received_at -> Timestamptz,
        class -> Text,
        status -> Nullable<Text>,
        detail -> Nullable<Text>,
        bounce_message_id -> Nullable<Text>,
        outbox_id -> Nullable<Uuid>,
        kind -> Nullable<Text>,
        alert_id -> Nullable<Uuid>,
        batch_target_id -> Nullable<Uuid>,
        message -> Nullable<Bytea>,
    }
}

diesel::table! {
    mail_rate (id) {
        id -> Bool,
        tokens -> Float8,
        refilled_at -> Timestamptz,
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
        subject -> Nullable<Text>,
        body_text -> Nullable<Text>,
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
        signature_id -> Nullable<Uuid>,
        batch_target_id -> Nullable<Uuid>,
        alert_id -> Nullable<Uuid>,
        params -> Jsonb,
        priority -> Int2,
        unrecorded_sends -> Int2,
        supporter_id -> Nullable<Uuid>,
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
        mail_capped_at -> Nullable<Timestamptz>,
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
        name -> Nullable<Text>,
        country -> Nullable<Text>,
        language -> Nullable<Text>,
        source -> Text,
        alerts_consent_campaign_id -> Nullable<Uuid>,
        suppressed_at -> Nullable<Timestamptz>,
        suppressed_reason -> Nullable<Text>,
    }
}

diesel::table! {
    suppressions (address_hash) {
        address_hash -> Text,
        reason -> Text,
        detail -> Nullable<Text>,
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
        timezone -> Nullable<Text>,
        created_at -> Timestamptz,
        failed_at -> Nullable<Timestamptz>,
        failed_reason -> Nullable<Text>,
        deliver_by_hand -> Bool,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Uuid,
        organizer_id -> Nullable<Uuid>,
        action -> Text,
        campaign_id -> Nullable<Uuid>,
        detail -> Jsonb,
        created_at -> Timestamptz,
        via -> Text,
    }
}

diesel::table! {
    campaign_tallies (campaign_id, shard) {
        campaign_id -> Uuid,
        shard -> Int4,
        unconfirmed -> Int8,
        held -> Int8,
    }
}

diesel::table! {
    campaign_countries (campaign_id, country) {
        campaign_id -> Uuid,
        country -> Text,
        signatures -> Int8,
    }
}

diesel::table! {
    campaign_flags (campaign_id, what, value, hour) {
        campaign_id -> Uuid,
        what -> Text,
        value -> Text,
        hour -> Timestamptz,
        signatures -> Int4,
    }
}

diesel::table! {
    campaign_hourly (campaign_id, hour) {
        campaign_id -> Uuid,
        hour -> Timestamptz,
        signatures -> Int8,
    }
}

diesel::table! {
    login_failures (key) {
        key -> Text,
        failures -> Int4,
        last_failed_at -> Timestamptz,
        blocked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    organizer_invitations (id) {
        id -> Uuid,
        token_hash -> Text,
        email -> Text,
        email_canonical -> Text,
        role -> Text,
        invited_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    organizer_password_resets (token_hash) {
        token_hash -> Text,
        organizer_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    organizer_sessions (id_hash) {
        id_hash -> Text,
        organizer_id -> Uuid,
        csrf_token -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        confirmed_at -> Timestamptz,
        browser -> Nullable<Text>,
        public_id -> Uuid,
    }
}

diesel::table! {
    organizers (id) {
        id -> Uuid,
        email -> Text,
        email_canonical -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
        disabled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    setup_tokens (token_hash) {
        token_hash -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(asks -> campaigns (campaign_id));
diesel::joinable!(outbox -> supporters (supporter_id));
diesel::joinable!(batch_pending -> signatures (signature_id));
diesel::joinable!(batch_targets -> campaigns (campaign_id));
diesel::joinable!(batch_targets -> targets (target_id));
diesel::joinable!(batches -> campaigns (campaign_id));
diesel::joinable!(audit_log -> campaigns (campaign_id));
diesel::joinable!(audit_log -> organizers (organizer_id));
diesel::joinable!(campaign_countries -> campaigns (campaign_id));
diesel::joinable!(campaign_hourly -> campaigns (campaign_id));
diesel::joinable!(campaign_tallies -> campaigns (campaign_id));
diesel::joinable!(campaign_counters -> campaigns (campaign_id));
diesel::joinable!(organizer_invitations -> organizers (invited_by));
diesel::joinable!(organizer_password_resets -> organizers (organizer_id));
diesel::joinable!(organizer_sessions -> organizers (organizer_id));
diesel::joinable!(outbox -> batch_targets (batch_target_id));
diesel::joinable!(outbox -> campaigns (campaign_id));
diesel::joinable!(outbox -> signatures (signature_id));
diesel::joinable!(signature_confirm_tokens -> signatures (signature_id));
diesel::joinable!(signatures -> campaigns (campaign_id));
diesel::joinable!(signatures -> supporters (supporter_id));
diesel::joinable!(targets -> campaigns (campaign_id));

diesel::allow_tables_to_appear_in_same_query!(
    alerts,
    asks,
    audit_log,
    batch_pending,
    batch_signatures,
    batch_targets,
    batches,
    bounces,
    campaign_counters,
    campaign_countries,
    campaign_flags,
    campaign_hourly,
    campaign_tallies,
    campaigns,
    login_failures,
    mail_rate,
    mail_status,
    organizer_sessions,
    organizer_invitations,
    organizer_password_resets,
    organizers,
    outbox,
    rate_limits,
    setup_tokens,
    signature_confirm_tokens,
    signatures,
    supporters,
    suppressions,
    targets,
);
