"""Access control: the privilege table and checks, grants, roles and users, SHOW GRANTS, and explanations."""
