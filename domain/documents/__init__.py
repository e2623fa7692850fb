"""What people sign and what the authority issues, as documents: the canonical texts (free of
layout) and the records a document is made from, read as the viewer may see them."""
