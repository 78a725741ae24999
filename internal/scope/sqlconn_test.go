package scope_test

import "database/sql"

type sqlConn = sql.Conn
