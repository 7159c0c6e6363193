package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/flashcards/flashcards/data"
)

// config is every setting of the binary. Each is a flag with an
// environment fallback; a flag given on the command line wins.
type config struct {
	Addr       string
	DB         string
	Signup     string
	TrustProxy bool
	LogFormat  string
	MaxBody    int64
	MaxUpload  int64
	TmpDir     string
	// MaxImage and MaxImages bound the images on cards: one file, and all
	// of one user's together (data.MediaLimits).
	MaxImage  int64
	MaxImages int64
}

// setting describes one flag, for parsing and for `flashcards help`.
type setting struct {
	name, env, usage string
	bind             binder
}

// binder binds a setting to the field of config it fills, with its
// default: the environment's value, else defaults'.
type binder func(fs *flag.FlagSet, c *config, s setting, def string) error

func textSetting(field func(*config) *string) binder {
	return func(fs *flag.FlagSet, c *config, s setting, def string) error {
		fs.StringVar(field(c), s.name, def, "")
		return nil
	}
}

func boolSetting(field func(*config) *bool) binder {
	return func(fs *flag.FlagSet, c *config, s setting, def string) error {
		v, err := strconv.ParseBool(def)
		if err != nil {
			return fmt.Errorf("%s: %q is not true or false", s.env, def)
		}
		fs.BoolVar(field(c), s.name, v, "")
		return nil
	}
}

func bytesSetting(field func(*config) *int64) binder {
	return func(fs *flag.FlagSet, c *config, s setting, def string) error {
		v, err := strconv.ParseInt(def, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: %q is not a number", s.env, def)
		}
		fs.Int64Var(field(c), s.name, v, "")
		return nil
	}
}

var settings = []setting{
	{"addr", "FLASHCARDS_ADDR", "address to listen on (host:port)", textSetting(func(c *config) *string { return &c.Addr })},
	{"db", "FLASHCARDS_DB", "SQLite database file (created with its folder if missing)", textSetting(func(c *config) *string { return &c.DB })},
	{"signup", "FLASHCARDS_SIGNUP", "open: anyone may sign up; closed: only `flashcards user add` creates users", textSetting(func(c *config) *string { return &c.Signup })},
	{"trust-proxy", "FLASHCARDS_TRUST_PROXY", "trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy", boolSetting(func(c *config) *bool { return &c.TrustProxy })},
	{"log-format", "FLASHCARDS_LOG_FORMAT", "request log format: text or json", textSetting(func(c *config) *string { return &c.LogFormat })},
	{"max-body", "FLASHCARDS_MAX_BODY", "largest request body in bytes (forms and API)", bytesSetting(func(c *config) *int64 { return &c.MaxBody })},
	{"max-upload", "FLASHCARDS_MAX_UPLOAD", "largest uploaded file in bytes (imports)", bytesSetting(func(c *config) *int64 { return &c.MaxUpload })},
	{"max-image", "FLASHCARDS_MAX_IMAGE", "largest image on a card in bytes, once its location data is stripped", bytesSetting(func(c *config) *int64 { return &c.MaxImage })},
	{"max-images-per-user", "FLASHCARDS_MAX_IMAGES_PER_USER", "bytes of images one user may keep", bytesSetting(func(c *config) *int64 { return &c.MaxImages })},
	{"tmp-dir", "FLASHCARDS_TMP_DIR", "folder for temporary files; what a killed run left there goes at the next start (empty: the database's path + .tmp)", textSetting(func(c *config) *string { return &c.TmpDir })},
}

var defaults = map[string]string{
	"addr":        "127.0.0.1:8080",
	"db":          "flashcards.db",
	"signup":      "open",
	"trust-proxy": "false",
	"log-format":  "text",
	"max-body":    strconv.Itoa(1 << 20),
	"max-upload":  strconv.Itoa(33 << 20), // a 32 MiB card table (data.MaxCardTableBytes) and the form around it
	"tmp-dir":     "",
	// data.DefaultMediaLimits
	"max-image":           strconv.FormatInt(data.DefaultMediaLimits.MaxFile, 10),
	"max-images-per-user": strconv.FormatInt(data.DefaultMediaLimits.MaxUser, 10),
}

// newFlagSet binds every setting, with defaults taken from the environment.
func newFlagSet(name string, cfg *config, getenv func(string) string, stderr io.Writer) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintf(stderr, "Run `flashcards help` for the commands and settings.\n") }
	for _, s := range settings {
		def := defaults[s.name]
		if v := strings.TrimSpace(getenv(s.env)); v != "" {
			def = v
		}
		if err := s.bind(fs, cfg, s, def); err != nil {
			return nil, err
		}
	}
	return fs, nil
}

func (c config) validate() error {
	if c.Signup != "open" && c.Signup != "closed" {
		return fmt.Errorf("--signup must be open or closed, not %q", c.Signup)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
	}
	if c.MaxBody <= 0 || c.MaxUpload <= 0 {
		return fmt.Errorf("--max-body and --max-upload must be positive")
	}
	if c.MaxImage <= 0 || c.MaxImages <= 0 {
		return fmt.Errorf("--max-image and --max-images-per-user must be positive")
	}
	return nil
}

const usageText = `flashcards: a self-hosted spaced-repetition server.

Usage:
  flashcards [serve] [settings]          run the server (the default command)
  flashcards user add NAME               create a user; the password is read from stdin
                                         when it is not a terminal, else prompted for
  flashcards user list                   list users
  flashcards user passwd NAME [--revoke-tokens=false]
                                         set a user's password (same input rules); logs
                                         out all their sessions and, by default, revokes
                                         all their API tokens too (--revoke-tokens=false
                                         keeps the tokens)
  flashcards user delete NAME            delete a user and all their data
  flashcards token create USER [--name N]  print a new API token (shown once)
  flashcards token list USER             list a user's tokens
  flashcards token revoke USER ID        revoke a token
  flashcards import --user NAME [--category SLUG] FILE...
                                         add the cards of Q&A write-ups (.txt, .md), card
                                         tables (.csv, .tsv) and Anki packages (.apkg) to a
                                         user's cards; each file is all or nothing, and
                                         importing it again adds nothing; a JSON export is
                                         restored with its whole history
  flashcards export --user NAME [--format json|csv|anki|apkg] [-o FILE]
                                         write a user's cards, schedule and review history
                                         (json: everything, restorable; csv: a zip of tables;
                                         anki: a text file for Anki; apkg: an Anki package
                                         with schedules) to FILE or standard output
  flashcards backup FILE                 write a consistent copy of the database
  flashcards version                     print the version
  flashcards help                        print this help

Settings (flag, environment variable, default):
`

func printHelp(w io.Writer) {
	fmt.Fprint(w, usageText)
	for _, s := range settings {
		fmt.Fprintf(w, "  --%-12s %-24s %s (default %q)\n", s.name, s.env, s.usage, defaults[s.name])
	}
}

// mediaLimits are the image limits the settings ask for; zero keeps the default.
func (c config) mediaLimits() data.MediaLimits {
	l := data.DefaultMediaLimits
	if c.MaxImage > 0 {
		l.MaxFile = c.MaxImage
	}
	if c.MaxImages > 0 {
		l.MaxUser = c.MaxImages
	}
	return l
}
