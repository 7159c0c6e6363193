package data

import (
	"context"
	"database/sql"
)

// The JSON export's images: a "media" member after "reviews", a list of
// {"file": "<hash>.<ext>", "name", "content_type", "data": base64}, one per
// image the exported cards show. The document stays one file, which a
// restore reads in one upload (docs/export.md). An account without images
// writes no "media", so its export reads as before.

// Bounds on the images of a restored export.
const (
	// MaxExportMedia is the most images an export may carry.
	MaxExportMedia = 20_000
	// maxExportMediaFile bounds one image's bytes in a file; the account's
	// own per-image limit (usually smaller) is checked at the restore.
	maxExportMediaFile = 64 << 20
)

// exportMedia is one image in the JSON document.
type exportMedia struct {
	File        string `json:"file"` // <hash>.<ext>, as card text refers to it
	Name        string `json:"name"` // the name it was uploaded with
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"` // base64 in the document
}

func (m exportMedia) check() error {
	if _, _, ok := ParseMediaURL(m.File); !ok {
		return exportError("%q is not an image's file name (<sha256>.png, .jpg, .gif, .webp or .svg)", clipText(m.File))
	}
	if len(m.Data) > maxExportMediaFile {
		return exportError("%s is larger than %d MiB", m.File, maxExportMediaFile>>20)
	}
	return checkText("the name", m.Name, 1000, false)
}

// exportMediaJSON writes the "media" member: the images the user holds
// that the exported cards (those not trashed nor waiting in an import)
// show, read one at a time.
func exportMediaJSON(ctx context.Context, tx *sql.Tx, userID int64, j *jsonStream) error {
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
	item, end := j.array("media")
	defer end()
	for _, h := range mediaRefs(texts...) {
		m, ok := held[h]
		if !ok {
			continue
		}
		var data []byte
		if err := tx.QueryRowContext(ctx, "SELECT data FROM media_blobs WHERE hash = ?", h).Scan(&data); err != nil {
			return err
		}
		item(exportMedia{File: m.FileName(), Name: m.Name, ContentType: m.ContentType, Data: data})
		if j.err != nil {
			return j.err
		}
	}
	return nil
}

// readMedia reads the "media" member, never more than MaxExportMedia.
func (rd *exportReader) readMedia() error {
	seen := map[string]bool{}
	return rd.array("media", MaxExportMedia, func(i int) error {
		var m exportMedia
		if err := rd.dec.Decode(&m); err != nil {
			return rd.readErr(`"media"`, err)
		}
		if err := m.check(); err != nil {
			return exportError("Image %d: %s", i+1, Message(err))
		}
		if seen[m.File] {
			return exportError("Image %d: %s is listed twice", i+1, m.File)
		}
		seen[m.File] = true
		rd.exp.media = append(rd.exp.media, m)
		return nil
	})
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
