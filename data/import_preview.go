package data

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// An upload previewed on the import page waits, until the user confirms
// it, as a file in this process's temporary folder (tempdir.go), named by
// a random id and known only to this process: a restart forgets it, as
// it removes the folder. It is the uploader's alone, lives an hour, and a
// user has at most PendingImportsPerUser waiting; a newer one pushes the
// oldest out. Confirming runs the import once: a second confirmation, even
// one arriving while the first runs, waits for it and gets its result.

// PendingImportTTL is how long an upload waits for its confirmation, and
// how long a confirmed one remembers its result.
const PendingImportTTL = time.Hour

// PendingImportsPerUser bounds the uploads a user has waiting.
const PendingImportsPerUser = 3

// ErrPendingImportGone is a preview that has expired, was pushed out by
// newer ones, is another user's, or never was.
var ErrPendingImportGone = Errorf(ErrNotFound, "This preview has expired or is not yours; upload the file again")

// PendingImport is an upload waiting between its preview and its confirmation.
type PendingImport struct {
	ID      string
	Name    string // the uploaded file's name
	Created time.Time
}

type pendingImports struct {
	mu   sync.Mutex
	dir  string
	byID map[string]*pendingUpload
}

type pendingUpload struct {
	PendingImport
	userID  int64
	path    string
	running sync.Mutex       // held while it is being imported
	done    *ConfirmedImport // set once imported
	doneAt  time.Time
}

// KeepPendingImport keeps an upload until it is confirmed and returns its id.
func (s *Store) KeepPendingImport(userID int64, name string, doc []byte) (PendingImport, error) {
	if len(doc) > MaxCardTableBytes {
		return PendingImport{}, Errorf(ErrTooLarge, "The document is too large: a Q&A write-up may hold %d MiB, a card table (.csv, .tsv) %d MiB.",
			MaxDocumentBytes>>20, MaxCardTableBytes>>20)
	}
	p := &s.pending
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dir == "" {
		dir, err := s.temp.mkdirTemp("pending-imports-")
		if err != nil {
			return PendingImport{}, err
		}
		p.dir, p.byID = dir, map[string]*pendingUpload{}
	}
	now := s.now()
	s.sweepPendingLocked(now)
	var waiting []*pendingUpload
	for _, e := range p.byID {
		if e.userID == userID && e.done == nil {
			waiting = append(waiting, e)
		}
	}
	sort.Slice(waiting, func(i, j int) bool { return waiting[i].Created.Before(waiting[j].Created) })
	for _, e := range waiting {
		if len(waiting) < PendingImportsPerUser {
			break
		}
		if e.running.TryLock() { // one being imported stays
			p.removeLocked(e)
			e.running.Unlock()
			waiting = waiting[1:]
		}
	}
	b := make([]byte, 16)
	rand.Read(b)
	e := &pendingUpload{PendingImport: PendingImport{ID: hex.EncodeToString(b), Name: name, Created: now}, userID: userID}
	e.path = filepath.Join(p.dir, e.ID)
	if err := os.WriteFile(e.path, doc, 0o600); err != nil {
		os.Remove(e.path)
		return PendingImport{}, fmt.Errorf("keep the upload: %w", err)
	}
	p.byID[e.ID] = e
	return e.PendingImport, nil
}

// sweepPendingLocked forgets what has expired.
func (s *Store) sweepPendingLocked(now time.Time) {
	for _, e := range s.pending.byID {
		expired := now.Sub(e.Created) >= PendingImportTTL
		if e.done != nil {
			expired = now.Sub(e.doneAt) >= PendingImportTTL
		}
		if expired && e.running.TryLock() {
			s.pending.removeLocked(e)
			e.running.Unlock()
		}
	}
}

func (p *pendingImports) removeLocked(e *pendingUpload) {
	delete(p.byID, e.ID)
	os.Remove(e.path)
}

// pendingFor finds the user's pending import.
func (s *Store) pendingFor(userID int64, id string) (*pendingUpload, error) {
	p := &s.pending
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byID == nil {
		return nil, ErrPendingImportGone
	}
	s.sweepPendingLocked(s.now())
	e, ok := p.byID[id]
	if !ok || e.userID != userID {
		return nil, ErrPendingImportGone
	}
	return e, nil
}

// ConfirmedImport is what confirming a pending import did.
type ConfirmedImport struct {
	ImportResult
	// CloseSkipped counts the cards left out for closely matching cards
	// the user has.
	CloseSkipped int
}

// PendingImportDoc is the user's waiting upload and its bytes. An upload
// already imported gives its result instead, and no bytes.
func (s *Store) PendingImportDoc(userID int64, id string) (PendingImport, []byte, *ConfirmedImport, error) {
	e, err := s.pendingFor(userID, id)
	if err != nil {
		return PendingImport{}, nil, nil, err
	}
	e.running.Lock()
	defer e.running.Unlock()
	if e.done != nil {
		res := *e.done
		return e.PendingImport, nil, &res, nil
	}
	doc, err := os.ReadFile(e.path)
	if errors.Is(err, os.ErrNotExist) {
		return PendingImport{}, nil, nil, ErrPendingImportGone
	}
	return e.PendingImport, doc, nil, err
}

// ConfirmPendingImport runs import on the user's waiting upload, once.
// again is true when it had already been imported: the result is that
// import's, and import is not run. An import that fails leaves the upload
// waiting, to be confirmed again.
func (s *Store) ConfirmPendingImport(ctx context.Context, userID int64, id string, run func(ctx context.Context, p PendingImport, doc []byte) (ConfirmedImport, error)) (res ConfirmedImport, again bool, err error) {
	e, err := s.pendingFor(userID, id)
	if err != nil {
		return ConfirmedImport{}, false, err
	}
	e.running.Lock()
	defer e.running.Unlock()
	if e.done != nil {
		return *e.done, true, nil
	}
	doc, err := os.ReadFile(e.path)
	if errors.Is(err, os.ErrNotExist) {
		return ConfirmedImport{}, false, ErrPendingImportGone
	}
	if err != nil {
		return ConfirmedImport{}, false, err
	}
	res, err = run(ctx, e.PendingImport, doc)
	if err != nil {
		return res, false, err
	}
	s.pending.mu.Lock()
	e.done, e.doneAt = &res, s.now()
	os.Remove(e.path)
	s.pending.mu.Unlock()
	return res, false, nil
}

// DraftCheck is what a user already has of the cards an import would add.
type DraftCheck struct {
	Duplicates    []int        // drafts whose card the user has: left as it is
	Close         []CloseMatch // drafts closely matching a card the user has
	NewCategories []string     // category slugs the import would create, in draft order
}

// CheckDrafts compares drafts with the user's cards and categories; the
// cards of an import still being written are not there yet.
func (s *Store) CheckDrafts(ctx context.Context, userID int64, drafts []CardDraft) (DraftCheck, error) {
	var c DraftCheck
	var existing []ExistingCard
	var cats map[string]int64
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.key, c.front, c.source, d.name
			FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.user_id = ?1 AND c.id < `+visibleBelow("?1")+` ORDER BY c.id`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e ExistingCard
			if err := rows.Scan(&e.Key, &e.Front, &e.Source, &e.Deck); err != nil {
				return err
			}
			existing = append(existing, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		cats, err = categoryIDs(ctx, tx, userID)
		return err
	})
	if err != nil {
		return c, err
	}
	keys := make(map[string]bool, len(existing))
	for _, e := range existing {
		keys[e.Key] = true
	}
	seenCat := map[string]bool{}
	for i, d := range drafts {
		if keys[d.Key] {
			c.Duplicates = append(c.Duplicates, i)
			continue
		}
		if _, ok := cats[d.Category]; !ok && !seenCat[d.Category] {
			seenCat[d.Category] = true
			c.NewCategories = append(c.NewCategories, d.Category)
		}
	}
	c.Close = FindCloseMatches(drafts, existing)
	return c, nil
}

// NewCategoryName is the name an import gives a category it creates.
func NewCategoryName(slug string) string { return nameFromSlug(slug) }
