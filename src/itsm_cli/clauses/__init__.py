"""ISO/IEC 20000-1 clauses: the packaged clause catalogue (`catalogue`) and coverage."""
