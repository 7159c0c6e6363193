package data

// Images on cards. The bytes are kept in the database (migration 0011), so
// a backup stays one file: media_blobs holds each distinct image once,
// named by the SHA-256 of its bytes; media holds each user's references.
// An image is served from /media/<hash>.<ext> only to a user holding a
// reference to it. Files are sniffed and cleaned of location metadata by
// data/mediafile before they are hashed and stored. docs/markdown.md
// explains the choices.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashcards/flashcards/data/cardtext"
	"github.com/flashcards/flashcards/data/mediafile"
)

// MediaLimits bound what images a user may keep.
type MediaLimits struct {
	MaxFile int64 // bytes of one image, once cleaned
	MaxUser int64 // bytes of all of a user's images together
}

// DefaultMediaLimits are 5 MiB a file and 100 MiB a user.
var DefaultMediaLimits = MediaLimits{MaxFile: 5 << 20, MaxUser: 100 << 20}

// MediaKeep is how long an image no card refers to is kept before
// SweepMedia deletes it: long enough for a card being written to be saved.
const MediaKeep = 24 * time.Hour

// Media is one of a user's images.
type Media struct {
	Hash        string // hex SHA-256 of the bytes
	ContentType string
	Size        int64
	Name        string // the file's name as uploaded
	Created     time.Time
}

// Ext is the extension of the image's URL.
func (m Media) Ext() string {
	for _, t := range mediafile.Types {
		if t.ContentType == m.ContentType {
			return t.Ext
		}
	}
	return "bin"
}

// URL is where the image is served, and what Markdown refers to it by.
func (m Media) URL() string { return MediaURLPrefix + m.Hash + "." + m.Ext() }

// FileName is the image's name in an export: its hash and extension, so
// two images never share one.
func (m Media) FileName() string { return m.Hash + "." + m.Ext() }

// Markdown is the Markdown that shows the image.
func (m Media) Markdown() string {
	alt := strings.TrimSuffix(m.Name, path.Ext(m.Name))
	alt = strings.Map(func(r rune) rune {
		switch {
		case r == '[' || r == ']' || r == '\\' || r == '`' || r == '*' || r == '_':
			return -1
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, alt)
	if r := []rune(strings.TrimSpace(alt)); len(r) > 80 {
		alt = string(r[:80])
	}
	return "![" + strings.TrimSpace(alt) + "](" + m.URL() + ")"
}

// MediaURLPrefix starts every image's URL.
const MediaURLPrefix = "/media/"

// ParseMediaURL reads /media/<hash>.<ext> (or the file name alone) into
// the hash and the type the extension names.
func ParseMediaURL(s string) (hash string, t mediafile.Type, ok bool) {
	if !strings.HasPrefix(s, MediaURLPrefix) {
		s = MediaURLPrefix + s
	}
	m := cardtext.MediaURLPattern.FindStringSubmatch(s)
	if m == nil {
		return "", t, false
	}
	t, ok = mediafile.ByExt(m[2])
	return m[1], t, ok
}

// mediaRefs lists the hashes of the images card text refers to.
func mediaRefs(texts ...string) []string { return cardtext.MediaHashes(texts...) }

// mediaDraft is an image made ready to store: sniffed, cleaned, hashed.
type mediaDraft struct {
	Media
	data []byte
}

// prepareMedia sniffs and cleans one file and refuses it past the limit
// of one file. name is kept only as a description.
func prepareMedia(name string, b []byte, maxFile int64) (mediaDraft, error) {
	what := mediaWhat(name)
	if int64(len(b)) > maxFile && len(b) > 0 {
		// Checked again once cleaned; this stops a huge file early.
		if int64(len(b)) > 2*maxFile {
			return mediaDraft{}, mediaTooLarge(what, int64(len(b)), maxFile)
		}
	}
	t, clean, err := mediafile.Clean(b)
	if errors.Is(err, mediafile.ErrUnsupported) {
		return mediaDraft{}, mediaError(ErrInvalid, "%s is not a PNG, JPEG, GIF, WebP or SVG image", what)
	}
	if err != nil {
		return mediaDraft{}, mediaError(ErrInvalid, "%s cannot be read: %v", what, err)
	}
	if int64(len(clean)) > maxFile {
		return mediaDraft{}, mediaTooLarge(what, int64(len(clean)), maxFile)
	}
	sum := sha256.Sum256(clean)
	return mediaDraft{Media: Media{Hash: hex.EncodeToString(sum[:]), ContentType: t.ContentType,
		Size: int64(len(clean)), Name: mediaName(name)}, data: clean}, nil
}

func mediaWhat(name string) string {
	if n := mediaName(name); n != "" {
		return fmt.Sprintf("The image %q", n)
	}
	return "The image"
}

// mediaName is a file name fit to keep: its last path element, printable,
// at most 200 bytes.
func mediaName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	for len(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return strings.TrimSpace(name)
}

// mediaError is an image refused, with the words for the person: an
// *Error of kind ErrInvalid (not an image we keep, or damaged) or
// ErrTooLarge (past the per-file limit). ErrMediaQuota (past the user's
// share) is an ErrInvalid that wraps it, so an import or a restore that
// would overrun the share is refused in its words, and the upload page
// can tell it apart.
func mediaError(kind error, format string, args ...any) error {
	e := &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
	if kind == ErrMediaQuota {
		e.Kind, e.Err = ErrInvalid, ErrMediaQuota
	}
	return e
}

func mediaTooLarge(what string, size, limit int64) error {
	return mediaError(ErrTooLarge, "%s is %s; an image may be at most %s", what, mebibytes(size), mebibytes(limit))
}

// ErrMediaQuota is an image that would take a user past their share.
var ErrMediaQuota = errors.New("over the image quota")

func mediaOverQuota(used, adding, limit int64) error {
	return mediaError(ErrMediaQuota, "Your images take %s of the %s you may keep, and this would add %s: "+
		"delete cards with images you no longer need (their images go a day later) and try again",
		mebibytes(used), mebibytes(limit), mebibytes(adding))
}

// mebibytes writes a size for a person: "3.2 MiB", "640 KiB".
func mebibytes(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MiB"
	case n >= 1<<10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<10)), ".0") + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

// AddMedia keeps an uploaded image for the user and returns it. The file
// is sniffed (PNG, JPEG, GIF, WebP or SVG, whatever its name says), its
// location metadata is stripped, and it is refused past the per-file limit
// (ErrTooLarge) or when the user's images would exceed theirs
// (ErrMediaQuota). The quota is checked in the write transaction that
// stores the image, so parallel uploads cannot overrun it together. An
// image the user already has is not stored or counted twice.
func (s *Store) AddMedia(ctx context.Context, userID int64, name string, b []byte) (Media, error) {
	d, err := prepareMedia(name, b, s.MediaLimits.MaxFile)
	if err != nil {
		return Media{}, err
	}
	var out Media
	err = s.write(ctx, func(tx *sql.Tx) error {
		added, err := s.storeMediaTx(ctx, tx, userID, []mediaDraft{d})
		if err != nil {
			return err
		}
		out = added[0]
		return nil
	})
	return out, err
}

// storeMediaTx stores images for the user in tx, all or none: the quota
// is checked against what the user keeps now plus the images new to them.
// It returns each image as the user now holds it.
func (s *Store) storeMediaTx(ctx context.Context, tx *sql.Tx, userID int64, drafts []mediaDraft) ([]Media, error) {
	var used int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(SUM(size), 0) FROM media WHERE user_id = ?", userID).Scan(&used); err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Media, len(drafts))
	var adding int64
	fresh := map[string]bool{}
	for i, d := range drafts {
		var m Media
		var created string
		err := tx.QueryRowContext(ctx, `SELECT m.name, m.size, m.created_at, b.content_type FROM media m
			JOIN media_blobs b ON b.hash = m.hash WHERE m.user_id = ? AND m.hash = ?`, userID, d.Hash).
			Scan(&m.Name, &m.Size, &created, &m.ContentType)
		switch {
		case err == nil:
			m.Hash = d.Hash
			m.Created, _ = parseTime(created)
			if d.Name != "" {
				m.Name = d.Name // this upload's name describes it in the Markdown
			}
			out[i] = m
			// Touched, so the sweep gives a card being written the time.
			if _, err := tx.ExecContext(ctx, "UPDATE media SET created_at = ? WHERE user_id = ? AND hash = ?",
				formatTime(now), userID, d.Hash); err != nil {
				return nil, err
			}
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
		if fresh[d.Hash] {
			out[i] = d.Media
			continue
		}
		fresh[d.Hash] = true
		adding += d.Size
		if used+adding > s.MediaLimits.MaxUser {
			return nil, mediaOverQuota(used, adding, s.MediaLimits.MaxUser)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO media_blobs (hash, content_type, size, data) VALUES (?, ?, ?, ?)
			ON CONFLICT (hash) DO NOTHING`, d.Hash, d.ContentType, d.Size, d.data); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO media (user_id, hash, name, size, created_at) VALUES (?, ?, ?, ?, ?)",
			userID, d.Hash, d.Name, d.Size, formatTime(now)); err != nil {
			return nil, err
		}
		d.Created = now
		out[i] = d.Media
	}
	return out, nil
}

// MediaFile returns one of the user's images and its bytes; ErrNotFound
// when the user holds no reference to it, whoever else does.
func (s *Store) MediaFile(ctx context.Context, userID int64, hash string) (Media, []byte, error) {
	m := Media{Hash: hash}
	var data []byte
	var created string
	err := s.reader.QueryRowContext(ctx, `SELECT m.name, m.size, m.created_at, b.content_type, b.data FROM media m
		JOIN media_blobs b ON b.hash = m.hash WHERE m.user_id = ? AND m.hash = ?`, userID, hash).
		Scan(&m.Name, &m.Size, &created, &m.ContentType, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return Media{}, nil, fmt.Errorf("image: %w", ErrNotFound)
	}
	if err != nil {
		return Media{}, nil, err
	}
	m.Created, _ = parseTime(created)
	return m, data, nil
}

// MediaUsage is how many images the user keeps and their bytes together.
type MediaUsage struct {
	Files int
	Bytes int64
	Limit int64
}

// MediaUsage reports what the user's images take of their quota.
func (s *Store) MediaUsage(ctx context.Context, userID int64) (MediaUsage, error) {
	u := MediaUsage{Limit: s.MediaLimits.MaxUser}
	err := s.reader.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM media WHERE user_id = ?", userID).
		Scan(&u.Files, &u.Bytes)
	return u, err
}

// SweepMedia deletes every image that no card of its owner refers to
// (a card in the trash, or waiting in an import, still does) and that was
// uploaded more than MediaKeep ago. The last reference to a blob takes the
// blob with it (migration 0011's trigger). It runs hourly with the other
// sweeps and returns how many references it deleted.
//
// The cards are read on a reader, outside the writer: the writer then
// only deletes the images found unused, a few at a time, checking each
// again against its owner's cards, so a card saved meanwhile keeps its
// image, and grades never wait on the scan.
func (s *Store) SweepMedia(ctx context.Context) (int64, error) {
	cutoff := formatTime(s.now().Add(-MediaKeep))
	type ref struct {
		user int64
		hash string
	}
	var old []ref
	rows, err := s.reader.QueryContext(ctx, "SELECT user_id, hash FROM media WHERE created_at < ? ORDER BY user_id", cutoff)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.user, &r.hash); err != nil {
			rows.Close()
			return 0, err
		}
		old = append(old, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var unused []ref
	for i := 0; i < len(old); {
		user := old[i].user
		shown, err := s.userMediaRefs(ctx, user)
		if err != nil {
			return 0, err
		}
		for ; i < len(old) && old[i].user == user; i++ {
			if !shown[old[i].hash] {
				unused = append(unused, old[i])
			}
		}
	}
	var n int64
	const batch = 20
	for len(unused) > 0 {
		part := unused[:min(batch, len(unused))]
		unused = unused[len(part):]
		err := s.write(ctx, func(tx *sql.Tx) error {
			for _, r := range part {
				res, err := tx.ExecContext(ctx, `DELETE FROM media WHERE user_id = ?1 AND hash = ?2 AND created_at < ?3
					AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.user_id = ?1
						AND (instr(c.front, ?2) > 0 OR instr(c.back, ?2) > 0 OR instr(c.key_points, ?2) > 0))`,
					r.user, r.hash, cutoff)
				if err != nil {
					return err
				}
				k, err := res.RowsAffected()
				if err != nil {
					return err
				}
				n += k
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// userMediaRefs is the set of image hashes the user's cards refer to, all
// of them: in the trash and waiting in an import too.
func (s *Store) userMediaRefs(ctx context.Context, userID int64) (map[string]bool, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT front, back, key_points FROM cards WHERE user_id = ?
		AND (instr(front, '/media/') > 0 OR instr(back, '/media/') > 0 OR instr(key_points, '/media/') > 0)`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var f, b, k string
		if err := rows.Scan(&f, &b, &k); err != nil {
			return nil, err
		}
		for _, h := range mediaRefs(f, b, k) {
			out[h] = true
		}
	}
	return out, rows.Err()
}

// heldMediaTx returns, by hash, those of the hashes the user holds an
// image for: the images an export carries (bytes not included).
func heldMediaTx(ctx context.Context, tx *sql.Tx, userID int64, hashes []string) (map[string]Media, error) {
	out := map[string]Media{}
	for _, h := range hashes {
		m := Media{Hash: h}
		var created string
		err := tx.QueryRowContext(ctx, `SELECT m.name, m.size, m.created_at, b.content_type FROM media m
			JOIN media_blobs b ON b.hash = m.hash WHERE m.user_id = ? AND m.hash = ?`, userID, h).
			Scan(&m.Name, &m.Size, &created, &m.ContentType)
		if errors.Is(err, sql.ErrNoRows) {
			continue // text naming an image the user does not hold shows nothing
		}
		if err != nil {
			return nil, err
		}
		m.Created, _ = parseTime(created)
		out[h] = m
	}
	return out, nil
}

// mediaBlob reads an image's bytes by hash, for an export that has
// already checked, in its snapshot, that the user holds it.
func (s *Store) mediaBlob(ctx context.Context, hash string) ([]byte, error) {
	var data []byte
	err := s.reader.QueryRowContext(ctx, "SELECT data FROM media_blobs WHERE hash = ?", hash).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("image: %w", ErrNotFound)
	}
	return data, err
}
