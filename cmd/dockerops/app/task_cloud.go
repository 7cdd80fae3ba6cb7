package app

import (
	"context"
	"errors"
)

var errNoCloud = errors.New("DigitalOcean tasks are not available in this build yet")

func runProvision(context.Context, *session, Args) error { return errNoCloud }
func runInventory(context.Context, *session, Args) error { return errNoCloud }
func runDestroy(context.Context, *session, Args) error   { return errNoCloud }
func runSnapshot(context.Context, *session, Args) error  { return errNoCloud }
