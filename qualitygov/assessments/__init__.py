"""Annual assessment (考核评价): schemes, unit inputs, scores, ranks and follow-up."""
