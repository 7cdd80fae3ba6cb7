package fakedo

import (
	"net/http"
	"net/url"
	"strconv"
)

// writePage answers a list request with one page of items under key, with
// the API's absolute links.pages URLs (first/prev, next/last) and meta.total.
func writePage[T any](s *Server, w http.ResponseWriter, r *http.Request, key string, items []T) {
	q := r.URL.Query()
	perPage, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || perPage < 1 {
		perPage = 20
	}
	perPage = min(perPage, s.cfg.MaxPerPage)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	last := max(1, (len(items)+perPage-1)/perPage)
	from := min((page-1)*perPage, len(items))
	to := min(from+perPage, len(items))

	link := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(perPage))
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: v.Encode()}
		return u.String()
	}
	pages := map[string]string{}
	if page > 1 {
		pages["first"], pages["prev"] = link(1), link(min(page-1, last))
	}
	if page < last {
		pages["next"], pages["last"] = link(page+1), link(last)
	}
	links := map[string]any{}
	if len(pages) > 0 {
		links["pages"] = pages
	}
	writeJSON(w, http.StatusOK, map[string]any{
		key:     append([]T{}, items[from:to]...),
		"links": links,
		"meta":  map[string]int{"total": len(items)},
	})
}
