// The Node.js snowflake-sdk against `snowreg serve` (run by tests/snowreg/server/test_server.py): prints one JSON line.
const snowflake = require('snowflake-sdk');
snowflake.configure({ logLevel: 'OFF' });
const url = process.argv[2];

function connect(username, password) {
  const conn = snowflake.createConnection({ accessUrl: url, account: 'snowreg', username, password,
                                            database: 'DB', schema: 'PUBLIC' });
  return new Promise((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve(conn))));
}

function run(conn, sqlText, binds) {
  return new Promise((resolve, reject) => conn.execute({
    sqlText, binds, complete: (err, stmt, rows) => (err ? reject(err) : resolve(rows)) }));
}

(async () => {
  const out = {};
  const conn = await connect('ADMIN', process.env.SNOWREG_ADMIN_PASSWORD);
  out.select = await run(conn, "SELECT 1 AS ONE, 'a' AS S, 1.5::FLOAT AS F, TRUE AS B, NULL AS Z");
  await run(conn, 'CREATE OR REPLACE TABLE NODE_T (ID INT, NAME VARCHAR)');
  out.insert = await run(conn, 'INSERT INTO NODE_T VALUES (?, ?), (?, ?)', [1, 'x', 2, 'y']);
  out.rows = await run(conn, 'SELECT * FROM NODE_T ORDER BY ID');
  out.models = (await run(conn, 'SHOW MODELS')).map((r) => r.name);
  try { await run(conn, 'SELECT * FROM NOPE'); } catch (e) { out.error = [e.code, e.sqlState]; }
  try { await connect('ADMIN2', 'x'); } catch (e) { out.login = [e.code, e.message]; }
  await new Promise((resolve) => conn.destroy(() => resolve()));
  console.log(JSON.stringify(out));
})().catch((e) => { console.error('FAIL', e); process.exit(1); });
