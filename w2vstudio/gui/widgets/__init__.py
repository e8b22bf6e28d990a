"""Generic widgets and Qt item models shared by the tabs (no domain logic)."""
