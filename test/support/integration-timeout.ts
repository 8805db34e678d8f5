// Integration tests wait on a real broker (group joins, transactions); bound each test generously.
jest.setTimeout(180_000);
