"""What people see: words and number formats shared by tables and charts, terminal tables,
charts and export. Display code prints what the solvers recorded; it never solves."""
