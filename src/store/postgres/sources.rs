//! Where a feed's item goes in the PostgreSQL store: the SQLite store's rules
//! (`super::super::sources` says them), in PostgreSQL's SQL. Two collectors
//! bringing one guid-less item of a feed at once may both store it: only a
//! guid has a unique index behind it.

use postgres::Transaction;

use super::super::StoreError;
use super::super::sources::{Keys, Place};

pub(super) fn place(
    tx: &mut Transaction<'_>,
    feed: i64,
    k: &Keys<'_>,
) -> Result<Place, StoreError> {
    let hash: &[u8] = &k.hash[..];
    let Some(canon) = k.canon else {
        if k.guid.is_none()
            && tx
                .query_opt(
                    "SELECT 1 FROM items WHERE feed_id = $1 AND content_hash = $2",
                    &[&feed, &hash],
                )?
                .is_some()
        {
            return Ok(Place::Seen);
        }
        return Ok(Place::New);
    };
    let mut copy = None;
    for r in tx.query(
        "SELECT id, feed_id, guid, content_hash FROM items WHERE canon_link = $1 ORDER BY id",
        &[&canon],
    )? {
        let (id, of): (i64, i64) = (r.get(0), r.get(1));
        if of == feed {
            let guid: Option<&str> = r.get(2);
            if k.guid.is_none() || guid == k.guid {
                return Ok(Place::Seen);
            }
        } else if copy.is_none() && r.get::<_, &[u8]>(3) == hash {
            copy = Some(id);
        }
    }
    let own = k.guid.unwrap_or(canon);
    if tx
        .query_opt(
            "SELECT 1 FROM sightings WHERE feed_id = $1 AND key = $2",
            &[&feed, &own],
        )?
        .is_some()
    {
        return Ok(Place::Seen);
    }
    let Some(item) = copy else {
        return Ok(Place::New);
    };
    if let Some(g) = k.guid
        && tx
            .query_opt(
                "SELECT 1 FROM items WHERE feed_id = $1 AND guid = $2",
                &[&feed, &g],
            )?
            .is_some()
    {
        return Ok(Place::Seen);
    }
    Ok(Place::Sighting(item))
}

/// Records that `feed` carries `item` (found by [`place`]).
pub(super) fn record_sighting(
    tx: &mut Transaction<'_>,
    item: i64,
    feed: i64,
    k: &Keys<'_>,
    seen: i64,
    published: Option<i64>,
) -> Result<(), StoreError> {
    let own = k.guid.or(k.canon).unwrap_or_default();
    tx.execute(
        "INSERT INTO sightings (item_id, feed_id, key, seen, published) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
        &[&item, &feed, &own, &seen, &published],
    )?;
    Ok(())
}
