// Command quickstart is the quick start of README.md (a test keeps the two equal and runs it):
// it counts the OAuth2 connectors, then makes a customer and a Connect token for it. The token
// and base URL come from OPENINT_API_KEY and OPENINT_BASE_URL.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	openint "github.com/openint-dev/openint-sdk/bindings/go"
)

func main() {
	client, err := openint.NewClient(
		openint.WithToken(os.Getenv("OPENINT_API_KEY")), // the default anyway
		openint.WithTimeout(30*time.Second),             // per attempt
	)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Every connector, 100 a page: the library fetches the pages as the loop goes.
	oauth2 := 0
	for c, err := range client.ListConnectorsAutoPaging(ctx, &openint.ListConnectorsParams{Limit: openint.Ptr(100)}) {
		if err != nil {
			log.Fatal(err)
		}
		if c.AuthType != nil && *c.AuthType == openint.AuthTypeOAuth2 {
			oauth2++
		}
	}
	fmt.Println("OAuth2 connectors:", oauth2)

	// A customer, and a Connect token for it that is valid for an hour.
	customer, err := client.UpsertCustomer(ctx, &openint.UpsertCustomerParams{ID: openint.Ptr("cus_quickstart")})
	if err != nil {
		log.Fatal(err)
	}
	token, err := client.CreateToken(ctx, customer.ID, &openint.CreateTokenParams{Validity: openint.Ptr(time.Hour)})
	var apiErr *openint.Error
	switch {
	case errors.As(err, &apiErr) && apiErr.Kind == openint.KindPermissionDenied:
		log.Fatal("CreateToken needs an organization key: ", apiErr.Message)
	case err != nil:
		log.Fatal(err)
	}
	fmt.Printf("Connect link for %s ready (%d characters)\n", customer.ID, len(token.MagicLinkURL))
}
