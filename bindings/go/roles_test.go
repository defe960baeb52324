package openint

// Each auth role against the local server: the organization's key, a customer's key, a
// customer's JWT, no token, and a bad token.

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

type storedConnection struct {
	ID         string `json:"id"`
	CustomerID string `json:"customer_id"`
}

func TestAuthRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newScenario(t, map[string]any{"seed": map[string]any{"customers": 2, "connector_configs": 2, "connections": 6, "events": 4}})
	org := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))

	var conns []storedConnection
	for _, raw := range s.store(t).Connections {
		var c storedConnection
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	mine := conns[0].CustomerID
	var own, others []string
	for _, c := range conns {
		if c.CustomerID == mine {
			own = append(own, c.ID)
		} else {
			others = append(others, c.ID)
		}
	}
	if len(own) == 0 || len(others) == 0 {
		t.Fatalf("the seed gave no connections of two customers: %+v", conns)
	}
	tok, err := org.CreateToken(ctx, mine, nil)
	if err != nil || tok.APIKey == nil {
		t.Fatalf("CreateToken: %v, %v", tok, err)
	}
	customerKey := newTestClient(t, s.BaseURL, WithToken(*tok.APIKey))
	customerJWT := newTestClient(t, s.BaseURL, WithToken(tok.Token))
	anon := newTestClient(t, s.BaseURL, WithToken(""))
	bad := newTestClient(t, s.BaseURL, WithToken("key_not_a_real_key"))

	listIDs := func(c *Client) ([]string, error) {
		var ids []string
		for conn, err := range c.ListConnectionsAutoPaging(ctx, &ListConnectionsParams{Limit: Ptr(2)}) {
			if err != nil {
				return nil, err
			}
			ids = append(ids, conn.ID)
		}
		return ids, nil
	}

	t.Run("organization", func(t *testing.T) {
		v, err := org.Viewer(ctx)
		if err != nil || v.Role != RoleOrg {
			t.Fatalf("Viewer: %+v, %v", v, err)
		}
		ids, err := listIDs(org)
		if err != nil || len(ids) != len(conns) {
			t.Fatalf("the organization lists %v (%v), want all %d", ids, err, len(conns))
		}
		if _, err := org.ListConnectorConfigs(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})

	for name, c := range map[string]*Client{"customer key": customerKey, "customer JWT": customerJWT} {
		t.Run(name, func(t *testing.T) {
			v, err := c.Viewer(ctx)
			if err != nil || v.Role != RoleCustomer || v.CustomerID == nil || *v.CustomerID != mine {
				t.Fatalf("Viewer: %+v, %v", v, err)
			}
			ids, err := listIDs(c)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			slices.Sort(own)
			if !slices.Equal(ids, own) {
				t.Fatalf("a customer lists %v, want its own %v", ids, own)
			}
			if _, err := c.GetConnection(ctx, own[0], nil); err != nil {
				t.Fatalf("own connection: %v", err)
			}
			_, err = c.GetConnection(ctx, others[0], nil)
			checkKind(t, err, KindNotFound, ErrNotFound)
			_, err = c.CreateToken(ctx, mine, nil)
			if e := checkKind(t, err, KindPermissionDenied, ErrPermissionDenied); e.Message != "Org admin only" {
				t.Fatalf("CreateToken as a customer: %v", err)
			}
			// The real server's database refuses customers on connector configs: a 500.
			_, err = c.ListConnectorConfigs(ctx, nil)
			if e := checkKind(t, err, KindInternalServer, ErrInternalServer); !strings.Contains(e.Message, "permission denied") {
				t.Fatalf("ListConnectorConfigs as a customer: %v", err)
			}
			for ev, err := range c.ListEventsAutoPaging(ctx, nil) {
				if err != nil {
					t.Fatal(err)
				}
				if ev.CustomerID == nil || *ev.CustomerID != mine {
					t.Fatalf("a customer sees another's event: %s", ev.Raw)
				}
			}
		})
	}

	t.Run("anonymous", func(t *testing.T) {
		v, err := anon.Viewer(ctx)
		if err != nil || v.Role != RoleAnon {
			t.Fatalf("Viewer: %+v, %v", v, err)
		}
		if _, err := anon.Health(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = anon.ListConnections(ctx, nil)
		checkKind(t, err, KindPermissionDenied, ErrPermissionDenied)
		_, err = anon.UpsertCustomer(ctx, nil)
		checkKind(t, err, KindPermissionDenied, ErrPermissionDenied)
	})

	t.Run("bad token", func(t *testing.T) {
		_, err := bad.Viewer(ctx)
		e := checkKind(t, err, KindAuthentication, ErrAuthentication)
		mustNotContain(t, "Error()", err.Error(), "key_not_a_real_key")
		mustNotContain(t, "Body", e.Body, "key_not_a_real_key")
		// A bad token is refused even on public operations.
		_, err = bad.Health(ctx)
		checkKind(t, err, KindAuthentication, ErrAuthentication)
	})
}
