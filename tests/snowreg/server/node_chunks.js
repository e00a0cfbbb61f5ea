// The Node.js snowflake-sdk fetching a large (chunked) result from `snowreg serve` (run by
// tests/snowreg/server/test_server_chunks.py): prints one JSON line with the row count, first and last rows.
const snowflake = require('snowflake-sdk');
snowflake.configure({ logLevel: 'OFF' });
const [url, sqlText] = process.argv.slice(2);

const conn = snowflake.createConnection({ accessUrl: url, account: 'snowreg', username: 'ADMIN', password: process.env.SNOWREG_ADMIN_PASSWORD,
                                          database: 'DB', schema: 'PUBLIC' });
conn.connect((err) => {
  if (err) { console.error('FAIL', err); process.exit(1); }
  const rows = [];
  const stmt = conn.execute({ sqlText, streamResult: true });
  stmt.streamRows()
    .on('error', (e) => { console.error('FAIL', e); process.exit(1); })
    .on('data', (row) => rows.push(row))
    .on('end', () => {
      const ordered = rows.every((row, i) => row.I === i);
      console.log(JSON.stringify({ count: rows.length, first: rows[0], last: rows[rows.length - 1], ordered }));
      conn.destroy(() => process.exit(0));
    });
});
