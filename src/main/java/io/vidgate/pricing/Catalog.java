package io.vidgate.pricing;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The models on offer, read once from configuration and checked at start. */
@ApplicationScoped
public class Catalog {

    private final Map<String, ModelSpec> models;

    Catalog(CatalogConfig config) {
        Map<String, ModelSpec> byId = new TreeMap<>();
        config.models().forEach((id, model) -> byId.put(id, ModelSpec.from(id, model)));
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("vidgate.catalog.models is empty");
        }
        this.models = Map.copyOf(byId);
    }

    public Optional<ModelSpec> model(String id) {
        return Optional.ofNullable(models.get(id));
    }

    public List<ModelSpec> models() {
        return models.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    /** The models that run jobs of this type, by id. */
    public List<String> modelIds(GenerationType type) {
        return models().stream().filter(m -> m.offers(type)).map(ModelSpec::id).toList();
    }
}
