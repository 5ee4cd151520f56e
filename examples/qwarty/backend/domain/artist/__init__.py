"""Artist domain: A person who makes works of art."""
