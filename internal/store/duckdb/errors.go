package duckdb

import (
	"context"
	"errors"
	"fmt"

	ddb "github.com/duckdb/duckdb-go/v2"
)

// ErrInvalidRow is wrapped by Append errors about a row the store cannot
// take (text that is not valid UTF-8, properties that are not a JSON object).
// The message names the row's position and field, never its content.
var ErrInvalidRow = errors.New("duckdb store: invalid row")

// safeErr wraps an error from DuckDB for the caller and the log. DuckDB's
// messages for conversion, constraint or input errors may quote the value
// that caused them, so for those only the kind of error is kept; messages of
// I/O, memory, interrupt and transaction errors name files and limits, never
// row data, and are kept.
func safeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("duckdb store: %s: %w", op, err)
	}
	var de *ddb.Error
	if errors.As(err, &de) {
		switch de.Type {
		case ddb.ErrorTypeIO, ddb.ErrorTypeOutOfMemory, ddb.ErrorTypeInterrupt,
			ddb.ErrorTypeTransaction, ddb.ErrorTypeFatal, ddb.ErrorTypePermission,
			ddb.ErrorTypeConnection, ddb.ErrorTypeCatalog, ddb.ErrorTypeParser,
			ddb.ErrorTypeBinder:
			return fmt.Errorf("duckdb store: %s: %w", op, err)
		}
		return fmt.Errorf("duckdb store: %s: duckdb error of type %d (message withheld: it may quote stored data)", op, de.Type)
	}
	return fmt.Errorf("duckdb store: %s: %w", op, err)
}
