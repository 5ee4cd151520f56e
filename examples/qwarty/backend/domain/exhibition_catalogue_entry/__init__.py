"""ExhibitionCatalogueEntry domain: An entry of an exhibition's printed catalogue, about one artwork."""
