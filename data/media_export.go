package data

import (
	"context"
	"database/sql"

	"github.com/flashcards/flashcards/data/exportdoc"
)

// The JSON export's images: a "media" member after "reviews", a list of
// {"file": "<hash>.<ext>", "name", "content_type", "data": base64}, one per
// image the exported cards show. The document stays one file, which a
// restore reads in one upload (docs/export.md). An account without images
// writes no "media", so its export reads as before.

// exportMediaJSON writes the "media" member: the images the user holds
// that the exported cards (those not trashed nor waiting in an import)
// show, read one at a time.
func exportMediaJSON(ctx context.Context, tx *sql.Tx, userID int64, enc *exportdoc.Encoder) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.front, c.back, c.key_points FROM cards c JOIN card_state s ON s.card_id = c.id
		WHERE c.user_id = ?1 AND c.id < `+visibleBelow("?1")+` AND s.trashed = 0
			AND (instr(c.front, '/media/') > 0 OR instr(c.back, '/media/') > 0 OR instr(c.key_points, '/media/') > 0)`, userID)
	if err != nil {
		return err
	}
	var texts []string
	for rows.Next() {
		var f, b, k string
		if err := rows.Scan(&f, &b, &k); err != nil {
			rows.Close()
			return err
		}
		texts = append(texts, f, b, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	held, err := heldMediaTx(ctx, tx, userID, mediaRefs(texts...))
	if err != nil || len(held) == 0 {
		return err
	}
	for _, h := range mediaRefs(texts...) {
		m, ok := held[h]
		if !ok {
			continue
		}
		var data []byte
		if err := tx.QueryRowContext(ctx, "SELECT data FROM media_blobs WHERE hash = ?", h).Scan(&data); err != nil {
			return err
		}
		if err := enc.Media(&exportdoc.Media{File: m.FileName(), Name: m.Name, ContentType: m.ContentType, Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// restoreMediaDrafts checks an export's images as an upload is checked
// (sniffed, cleaned, within the per-image limit) and that each one's
// bytes are the ones its name promises, which the cards' text refers to.
func (s *Store) restoreMediaDrafts(exp *Export) ([]mediaDraft, error) {
	out := make([]mediaDraft, 0, len(exp.media))
	for i, m := range exp.media {
		d, err := prepareMedia(m.Name, m.Data, s.MediaLimits.MaxFile)
		if err != nil {
			if msg := Message(err); msg != "" {
				return nil, exportError("The export's image %d (%s): %s", i+1, m.File, msg)
			}
			return nil, err
		}
		if d.FileName() != m.File {
			return nil, exportError("The export's image %d (%s): its bytes are not the image its name says (%s); the file was changed", i+1, m.File, d.FileName())
		}
		out = append(out, d)
	}
	return out, nil
}
