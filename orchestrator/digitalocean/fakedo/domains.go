package fakedo

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/digitalocean/godo"
)

// domain is a DNS zone of the account.
type domain struct {
	name    string
	records []godo.DomainRecord
}

var recordNameRE = regexp.MustCompile(`^(@|[a-zA-Z0-9_*]([a-zA-Z0-9_.*-]*[a-zA-Z0-9_*])?)$`)

func (s *Server) domainRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/domains", s.listDomains)
	mux.HandleFunc("POST /v2/domains", s.createDomain)
	mux.HandleFunc("GET /v2/domains/{domain}", s.getDomain)
	mux.HandleFunc("GET /v2/domains/{domain}/records", s.listRecords)
	mux.HandleFunc("POST /v2/domains/{domain}/records", s.createRecord)
	mux.HandleFunc("GET /v2/domains/{domain}/records/{id}", s.getRecord)
	mux.HandleFunc("DELETE /v2/domains/{domain}/records/{id}", s.deleteRecord)
}

// AddDomain adds a zone with the SOA and NS records DigitalOcean creates.
func (s *Server) AddDomain(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addDomain(name)
}

func (s *Server) addDomain(name string) *domain {
	d := &domain{name: strings.ToLower(name)}
	d.records = append(d.records, godo.DomainRecord{ID: s.newID(), Type: "SOA", Name: "@", Data: "1800", TTL: 1800})
	for _, ns := range []string{"ns1", "ns2", "ns3"} {
		d.records = append(d.records, godo.DomainRecord{ID: s.newID(), Type: "NS", Name: "@", Data: ns + ".digitalocean.com", TTL: 1800})
	}
	s.domains = append(s.domains, d)
	return d
}

// AddRecord adds a record as the API would, returning its ID or the API's
// 422 message as an error.
func (s *Server) AddRecord(domainName, typ, name, data string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.domain(domainName)
	if d == nil {
		return 0, fmt.Errorf("no domain %q", domainName)
	}
	r, msg := s.newRecord(d, godo.DomainRecordEditRequest{Type: typ, Name: name, Data: data})
	if msg != "" {
		return 0, fmt.Errorf("%s", msg)
	}
	return r.ID, nil
}

// Records returns the records of a domain (nil when there is no such domain).
func (s *Server) Records(domainName string) []godo.DomainRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.domain(domainName); d != nil {
		return slices.Clone(d.records)
	}
	return nil
}

func (s *Server) domain(name string) *domain {
	for _, d := range s.domains {
		if d.name == strings.ToLower(name) {
			return d
		}
	}
	return nil
}

func (d *domain) view() godo.Domain { return godo.Domain{Name: d.name, TTL: 1800, ZoneFile: ""} }

func (s *Server) listDomains(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := []godo.Domain{}
	for _, d := range s.domains {
		out = append(out, d.view())
	}
	s.mu.Unlock()
	writePage(s, w, r, "domains", out)
}

func (s *Server) createDomain(w http.ResponseWriter, r *http.Request) {
	var req godo.DomainCreateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.Name == "" || s.domain(req.Name) != nil {
		unprocessable(w, "Name is invalid or already taken")
		return
	}
	d := s.addDomain(req.Name)
	if req.IPAddress != "" {
		s.newRecord(d, godo.DomainRecordEditRequest{Type: "A", Name: "@", Data: req.IPAddress})
	}
	writeJSON(w, http.StatusCreated, map[string]any{"domain": d.view()})
}

func (s *Server) getDomain(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.domain(r.PathValue("domain"))
	if d == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"domain": d.view()})
}

// listRecords filters by type and by name, which, as in the API, is the
// fully qualified name ("www.example.com", or "example.com" for "@").
func (s *Server) listRecords(w http.ResponseWriter, r *http.Request) {
	typ, name := r.URL.Query().Get("type"), strings.TrimSuffix(strings.ToLower(r.URL.Query().Get("name")), ".")
	s.mu.Lock()
	d := s.domain(r.PathValue("domain"))
	var out []godo.DomainRecord
	if d != nil {
		for _, rec := range d.records {
			if (typ == "" || strings.EqualFold(typ, rec.Type)) && (name == "" || name == d.fqdn(rec.Name)) {
				out = append(out, rec)
			}
		}
	}
	s.mu.Unlock()
	if d == nil {
		notFound(w)
		return
	}
	writePage(s, w, r, "domain_records", out)
}

func (d *domain) fqdn(name string) string {
	if name == "@" {
		return d.name
	}
	return strings.ToLower(name) + "." + d.name
}

func (s *Server) createRecord(w http.ResponseWriter, r *http.Request) {
	var req godo.DomainRecordEditRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.domain(r.PathValue("domain"))
	if d == nil {
		notFound(w)
		return
	}
	rec, msg := s.newRecord(d, req)
	if msg != "" {
		unprocessable(w, "%s", msg)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"domain_record": rec})
}

// newRecord validates and adds a record, or returns the API's 422 message.
// Called with s.mu held.
func (s *Server) newRecord(d *domain, req godo.DomainRecordEditRequest) (godo.DomainRecord, string) {
	typ := strings.ToUpper(req.Type)
	ip := net.ParseIP(req.Data)
	switch {
	case !slices.Contains([]string{"A", "AAAA", "CAA", "CNAME", "MX", "NS", "SRV", "TXT"}, typ):
		return godo.DomainRecord{}, "Type is not a supported record type"
	case !recordNameRE.MatchString(req.Name):
		return godo.DomainRecord{}, "Name is invalid"
	case req.Data == "":
		return godo.DomainRecord{}, "Data can't be blank"
	case typ == "A" && (ip == nil || ip.To4() == nil):
		return godo.DomainRecord{}, "IP address did not match IPv4 format (e.g. 127.0.0.1)."
	case typ == "AAAA" && (ip == nil || ip.To4() != nil):
		return godo.DomainRecord{}, "IP address did not match IPv6 format (e.g. 2001:db8::1)."
	case req.TTL != 0 && req.TTL < 30:
		return godo.DomainRecord{}, "TTL must be at least 30 seconds"
	}
	fqdn := d.fqdn(req.Name)
	for _, rec := range d.records {
		if d.fqdn(rec.Name) == fqdn && (typ == "CNAME") != (rec.Type == "CNAME") && rec.Type != "SOA" && rec.Type != "NS" {
			return godo.DomainRecord{}, "CNAME records cannot share a name with other records."
		}
	}
	ttl := req.TTL
	if ttl == 0 {
		ttl = 1800
	}
	rec := godo.DomainRecord{
		ID: s.newID(), Type: typ, Name: req.Name, Data: req.Data, TTL: ttl,
		Priority: req.Priority, Port: req.Port, Weight: req.Weight, Flags: req.Flags, Tag: req.Tag,
	}
	d.records = append(d.records, rec)
	return rec, ""
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, i := s.record(r)
	if i < 0 {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"domain_record": d.records[i]})
}

func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, i := s.record(r)
	if i < 0 {
		notFound(w)
		return
	}
	d.records = slices.Delete(d.records, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}

// record finds the record a request's path names. Called with s.mu held.
func (s *Server) record(r *http.Request) (*domain, int) {
	d := s.domain(r.PathValue("domain"))
	id, err := strconv.Atoi(r.PathValue("id"))
	if d == nil || err != nil {
		return nil, -1
	}
	return d, slices.IndexFunc(d.records, func(rec godo.DomainRecord) bool { return rec.ID == id })
}
