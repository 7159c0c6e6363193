package handlers

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Every list the API returns is paged or bounded, so one request's memory
// does not grow with the account (docs/api.md, "Lists"). The card list is
// paged: ?limit= (default and maximum below) and ?cursor=, the next_cursor
// of the page before. The cursor names the last card seen, so cards added
// or deleted meanwhile never repeat or hide one still to come.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// cursorPrefix marks a cursor as this server's (and its version), so a
// made-up one is refused rather than read as a position.
const cursorPrefix = "c1:"

// pageParams reads ?limit= and ?cursor=: last is the id of the last item
// of the page before, 0 for the first page.
func pageParams(c echo.Context) (limit int, last int64, err error) {
	limit = defaultPageSize
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return 0, 0, echo.NewHTTPError(http.StatusBadRequest,
				fmt.Sprintf("limit must be a whole number from 1 to %d (the default is %d)", maxPageSize, defaultPageSize))
		}
		limit = n
	}
	if s := c.QueryParam("cursor"); s != "" {
		if last, err = decodeCursor(s); err != nil {
			return 0, 0, err
		}
	}
	return limit, last, nil
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (int64, error) {
	bad := echo.NewHTTPError(http.StatusBadRequest,
		"cursor must be the next_cursor of an earlier page, as it was given; leave it out to start at the beginning")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, bad
	}
	rest, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, bad
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return 0, bad
	}
	return id, nil
}
