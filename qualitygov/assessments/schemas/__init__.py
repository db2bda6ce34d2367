"""JSON Schemas of the assessment exchange format v1 (copies of shared/schemas, kept equal by a test)."""
