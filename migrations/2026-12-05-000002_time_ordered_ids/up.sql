-- Time-ordered UUIDs (version 7: 48 bits of milliseconds, then random bits) for rows written a
-- million at a time: an alert's fan-out and a supporter import. Random ids scatter such an
-- insert over every page of the primary key; ordered ones append to its right edge.
CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;
