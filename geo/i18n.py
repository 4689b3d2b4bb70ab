"""Every word Crecida shows people, in Spanish and English.

Pure data and one lookup function: the app, the map layers and the exports call
``t(key, lang, **values)``; nothing else holds user-facing text. Spanish comes first because
most users are Spanish speakers. Keys are grouped by where they appear; the test suite checks
that every key has both languages and the same ``{placeholders}`` in each.
"""

from __future__ import annotations

LANGUAGES: dict[str, str] = {"es": "Español", "en": "English"}
"""Language codes to the names shown in the language switch."""

DEFAULT_LANGUAGE: str = "es"

STRINGS: dict[str, dict[str, str]] = {
    # --- Page --------------------------------------------------------------------------
    "app_title": {
        "es": "Crecida — inundaciones y albergues",
        "en": "Crecida — floods and collective centres",
    },
    "app_caption": {
        "es": "Albergues, comunidades y zonas inundadas para planificar la respuesta.",
        "en": "Collective centres, communities and flooded areas for response planning.",
    },
    "sample_banner": {
        "es": "Datos de muestra SINTÉTICOS de Iquitos (geometría aproximada, atributos "
              "inventados) — no aptos para uso operativo. Cargue sus propios datos en la "
              "barra lateral.",
        "en": "SYNTHETIC Iquitos sample data (approximate geometry, invented attributes) — "
              "not for operational use. Upload your own data in the sidebar.",
    },
    "language": {"es": "Idioma", "en": "Language"},
    "view": {"es": "Vista", "en": "View"},
    "view_exposure": {"es": "Exposición", "en": "Exposure"},
    "view_catchment": {"es": "Cobertura y capacidad", "en": "Catchment & capacity"},
    "view_sites": {"es": "Nuevos albergues", "en": "New centres"},
    "view_export": {"es": "Exportar", "en": "Export"},
    "not_available": {
        "es": "Esta función aún no está disponible en esta versión de Crecida ({what}).",
        "en": "This feature is not available yet in this version of Crecida ({what}).",
    },
    "unexpected_error": {
        "es": "Algo salió mal al calcular {what}: {message}",
        "en": "Something went wrong while computing {what}: {message}",
    },

    # --- Sidebar: data -----------------------------------------------------------------
    "data_header": {"es": "Sus datos", "en": "Your data"},
    "data_help": {
        "es": "Todo empieza con la muestra de Iquitos. Cada archivo que cargue reemplaza esa "
              "capa. Los Shapefile deben ir comprimidos en .zip.",
        "en": "Everything starts on the Iquitos sample. Each file you upload replaces that "
              "layer. Shapefiles must be uploaded zipped.",
    },
    "upload_centres": {
        "es": "Albergues (CSV, XLSX, GeoJSON, GPKG, KML, Shapefile .zip)",
        "en": "Collective centres (CSV, XLSX, GeoJSON, GPKG, KML, zipped Shapefile)",
    },
    "upload_communities": {
        "es": "Comunidades (polígonos o puntos)",
        "en": "Communities (polygons or points)",
    },
    "upload_floods": {
        "es": "Escenarios de inundación (GeoTIFF de profundidad, extensión 0/1 o nivel; o "
              "polígonos)",
        "en": "Flood scenarios (GeoTIFF of depth, 0/1 extent or water level; or polygons)",
    },
    "upload_districts": {"es": "Distritos (polígonos)", "en": "Districts (polygons)"},
    "upload_rivers": {"es": "Ríos (líneas)", "en": "Rivers (lines)"},
    "upload_dem": {"es": "Modelo de elevación (GeoTIFF)", "en": "Elevation model (GeoTIFF)"},
    "upload_population": {
        "es": "Población (GeoTIFF, personas por celda)",
        "en": "Population (GeoTIFF, people per cell)",
    },
    "upload_too_big": {
        "es": "{name}: el archivo pesa {size_mb} MB y el límite es {limit_mb} MB.",
        "en": "{name}: the file is {size_mb} MB and the limit is {limit_mb} MB.",
    },
    "upload_failed": {
        "es": "No se pudo usar {name}. Se sigue usando la capa anterior.",
        "en": "{name} could not be used. The previous layer is kept.",
    },
    "upload_loaded": {"es": "Cargado: {name}", "en": "Loaded: {name}"},
    "inputs_failed": {
        "es": "Los datos cargados no se pueden usar juntos; se muestran los datos de muestra:",
        "en": "The uploaded data cannot be used together; the sample is shown instead:",
    },
    "warnings_header": {"es": "Avisos sobre los datos", "en": "Notes on the data"},
    "layer_sources": {"es": "Capas en uso", "en": "Layers in use"},
    "source_sample": {"es": "muestra", "en": "sample"},

    # --- Sidebar: parameters -----------------------------------------------------------
    "params_header": {"es": "Parámetros", "en": "Parameters"},
    "scenario": {"es": "Escenario de inundación", "en": "Flood scenario"},
    "threshold_m": {"es": "Umbral de inundación (m)", "en": "Flood threshold (m)"},
    "threshold_help": {
        "es": "Un albergue o una celda cuenta como inundado con esta profundidad o más.",
        "en": "A centre or a cell counts as flooded at this depth or more.",
    },
    "access_radius_m": {"es": "Radio de acceso (m)", "en": "Access radius (m)"},
    "access_radius_help": {
        "es": "Un albergue seco queda aislado si el agua cubre la mayor parte de un anillo de "
              "este radio a su alrededor.",
        "en": "A dry centre is isolated when water covers most of a ring of this radius "
              "around it.",
    },
    "service_distance_m": {"es": "Distancia de servicio (m)", "en": "Service distance (m)"},
    "service_distance_help": {
        "es": "Distancia máxima entre los desplazados y el albergue que los atiende.",
        "en": "Largest distance between the displaced and the centre that serves them.",
    },
    "no_scenarios": {
        "es": "No hay escenarios de inundación: cargue al menos uno.",
        "en": "There are no flood scenarios: upload at least one.",
    },

    # --- Flood status of a centre ------------------------------------------------------
    "status_flooded": {"es": "Inundado", "en": "Flooded"},
    "status_isolated": {"es": "Aislado", "en": "Isolated"},
    "status_at_risk": {"es": "En riesgo", "en": "At risk"},
    "status_dry": {"es": "Seco", "en": "Dry"},
    "status_unknown": {"es": "Sin dato", "en": "No data"},

    # --- Operating status and kind of a centre ----------------------------------------
    "op_open": {"es": "Abierto", "en": "Open"},
    "op_closed": {"es": "Cerrado", "en": "Closed"},
    "op_proposed": {"es": "Propuesto", "en": "Proposed"},
    "kind_school": {"es": "Colegio", "en": "School"},
    "kind_church": {"es": "Iglesia o parroquia", "en": "Church or parish"},
    "kind_community_hall": {"es": "Local comunal", "en": "Community hall"},
    "kind_coliseum": {"es": "Coliseo", "en": "Coliseum"},
    "kind_tent_camp": {"es": "Campamento de carpas", "en": "Tent camp"},
    "kind_other": {"es": "Otro", "en": "Other"},
    "yes": {"es": "Sí", "en": "Yes"},
    "no": {"es": "No", "en": "No"},

    # --- Column headers ----------------------------------------------------------------
    "col_centre_id": {"es": "Código", "en": "Code"},
    "col_name": {"es": "Nombre", "en": "Name"},
    "col_kind": {"es": "Tipo", "en": "Kind"},
    "col_district": {"es": "Distrito", "en": "District"},
    "col_families": {"es": "Familias", "en": "Families"},
    "col_persons": {"es": "Personas", "en": "Persons"},
    "col_capacity_persons": {"es": "Capacidad (personas)", "en": "Capacity (persons)"},
    "col_covered_area_m2": {"es": "Área techada (m²)", "en": "Covered area (m²)"},
    "col_status": {"es": "Estado", "en": "Operating status"},
    "col_flood_status": {"es": "Situación ante la inundación", "en": "Flood status"},
    "col_depth_m": {"es": "Profundidad (m)", "en": "Depth (m)"},
    "col_dist_to_flood_m": {"es": "Distancia al agua (m)", "en": "Distance to water (m)"},
    "col_access_cut": {"es": "Acceso cortado", "en": "Access cut"},
    "col_scenario": {"es": "Escenario", "en": "Scenario"},
    "col_community_id": {"es": "Código", "en": "Code"},
    "col_population": {"es": "Población", "en": "Population"},
    "col_households": {"es": "Hogares", "en": "Households"},
    "col_area_m2": {"es": "Área (m²)", "en": "Area (m²)"},
    "col_flooded_area_m2": {"es": "Área inundada (m²)", "en": "Flooded area (m²)"},
    "col_flooded_fraction": {"es": "Parte inundada (%)", "en": "Share flooded (%)"},
    "col_max_depth_m": {"es": "Profundidad máxima (m)", "en": "Maximum depth (m)"},
    "col_mean_depth_m": {"es": "Profundidad media (m)", "en": "Mean depth (m)"},
    "col_pop_exposed": {"es": "Personas expuestas", "en": "People exposed"},
    "col_displaced_est": {"es": "Desplazados estimados", "en": "Estimated displaced"},
    "col_metric": {"es": "Indicador", "en": "Metric"},
    "col_value": {"es": "Valor", "en": "Value"},
    "col_need": {"es": "Necesidad", "en": "Need"},
    "col_quantity": {"es": "Cantidad", "en": "Quantity"},
    "col_unit": {"es": "Unidad", "en": "Unit"},
    "col_source": {"es": "Fuente", "en": "Source"},
    "col_incoming": {"es": "Desplazados asignados", "en": "Incoming displaced"},
    "col_spare_capacity": {"es": "Capacidad libre", "en": "Spare capacity"},
    "col_overcrowded": {"es": "Sobrepoblado", "en": "Overcrowded"},
    "col_assigned_centre": {"es": "Albergue asignado", "en": "Assigned centre"},
    "col_distance_m": {"es": "Distancia (m)", "en": "Distance (m)"},
    "col_travel_min": {"es": "Tiempo de viaje (min)", "en": "Travel time (min)"},
    "col_unserved": {"es": "Desplazados sin lugar", "en": "Displaced without a place"},
    "col_covered_weight": {"es": "Desplazados cubiertos", "en": "Displaced covered"},
    "col_site_id": {"es": "Sitio", "en": "Site"},
    "col_reason": {"es": "Motivo", "en": "Why"},

    # --- Exposure view -----------------------------------------------------------------
    "m_centres_flooded": {"es": "Albergues inundados", "en": "Centres flooded"},
    "m_centres_isolated": {"es": "Albergues aislados", "en": "Centres isolated"},
    "m_centres_at_risk": {"es": "Albergues en riesgo", "en": "Centres at risk"},
    "m_centres_dry": {"es": "Albergues secos", "en": "Centres dry"},
    "m_families_flooded": {
        "es": "Familias en albergues inundados", "en": "Families in flooded centres",
    },
    "m_pop_exposed": {"es": "Personas expuestas", "en": "People exposed"},
    "m_displaced": {"es": "Desplazados estimados", "en": "Estimated displaced"},
    "h_map": {"es": "Mapa", "en": "Map"},
    "h_centres": {"es": "Albergues", "en": "Collective centres"},
    "h_communities": {"es": "Comunidades", "en": "Communities"},
    "h_by_district": {"es": "Por distrito", "en": "By district"},
    "h_compare": {"es": "Comparación de escenarios", "en": "Scenarios compared"},
    "h_needs": {"es": "Necesidades de los desplazados", "en": "Needs of the displaced"},
    "map_hint": {
        "es": "Active o apague capas con el control de capas (arriba a la derecha).",
        "en": "Turn layers on and off with the layer control (top right).",
    },
    "chart_district_caption": {
        "es": "Personas expuestas y desplazados estimados por distrito — {scenario}",
        "en": "People exposed and estimated displaced per district — {scenario}",
    },
    "compare_caption": {
        "es": "Cada escenario con el umbral de {threshold_m} m.",
        "en": "Every scenario at the {threshold_m} m threshold.",
    },

    # --- Map layers and legends --------------------------------------------------------
    "layer_flood": {"es": "Inundación: {scenario}", "en": "Flood: {scenario}"},
    "layer_centres": {"es": "Albergues", "en": "Collective centres"},
    "layer_communities": {"es": "Comunidades", "en": "Communities"},
    "layer_districts": {"es": "Distritos", "en": "Districts"},
    "layer_rivers": {"es": "Ríos", "en": "Rivers"},
    "layer_catchments": {"es": "Zonas de cobertura", "en": "Catchment zones"},
    "layer_assignments": {"es": "Asignaciones", "en": "Assignments"},
    "layer_sites": {"es": "Sitios propuestos", "en": "Proposed sites"},
    "layer_suitability": {"es": "Áreas aptas", "en": "Suitable areas"},
    "layer_drawn": {"es": "Área dibujada", "en": "Drawn area"},
    "basemap_osm": {"es": "Calles (OpenStreetMap)", "en": "Streets (OpenStreetMap)"},
    "legend_flood": {"es": "Profundidad del agua", "en": "Water depth"},
    "legend_depth_range": {"es": "{low}–{high} m", "en": "{low}–{high} m"},
    "legend_depth_above": {"es": "más de {low} m", "en": "over {low} m"},
    "legend_depth_below": {"es": "menos de {high} m", "en": "under {high} m"},
    "legend_water_unknown": {
        "es": "Agua (profundidad desconocida)", "en": "Water (depth unknown)",
    },
    "legend_centres": {"es": "Albergues", "en": "Collective centres"},
    "legend_centres_note": {
        "es": "Tamaño según personas; borde punteado: cerrado.",
        "en": "Size by persons; dashed outline: closed.",
    },
    "legend_communities": {"es": "Comunidades: parte inundada", "en": "Communities: share flooded"},
    "legend_share_range": {"es": "{low}–{high} %", "en": "{low}–{high} %"},
    "legend_share_above": {"es": "más de {low} %", "en": "over {low} %"},
    "legend_share_none": {"es": "sin agua", "en": "no water"},
    "legend_lines": {"es": "Líneas", "en": "Lines"},
    "legend_sites": {"es": "Nuevos albergues", "en": "New centres"},
    "legend_unserved": {"es": "Desplazados sin albergue", "en": "Displaced without a centre"},
    "tooltip_community": {
        "es": "{name}: {share} % inundado", "en": "{name}: {share} % flooded",
    },

    # --- Catchment view ----------------------------------------------------------------
    "catchment_mode": {"es": "Distancia", "en": "Distance"},
    "mode_straight": {"es": "En línea recta", "en": "Straight line"},
    "mode_flood_aware": {
        "es": "Recorrido evitando el agua (a pie y en bote)",
        "en": "Travel around the water (on foot and by boat)",
    },
    "capacity_mode": {
        "es": "Enviar el exceso al siguiente albergue con espacio",
        "en": "Send overflow to the next centre with room",
    },
    "m_overcrowded": {"es": "Albergues sobrepoblados", "en": "Centres over capacity"},
    "m_unserved": {"es": "Desplazados sin lugar", "en": "Displaced without a place"},
    "m_operational": {"es": "Albergues operativos", "en": "Operational centres"},
    "h_capacity": {"es": "Capacidad de los albergues", "en": "Capacity of the centres"},
    "h_assignments": {"es": "Comunidades asignadas", "en": "Communities assigned"},

    # --- New centres view --------------------------------------------------------------
    "h_suitability": {"es": "Áreas aptas", "en": "Suitable areas"},
    "h_draw": {"es": "Evaluar un área dibujada", "en": "Evaluate an area you draw"},
    "draw_hint": {
        "es": "Dibuje un polígono o un rectángulo con la herramienta de dibujo del mapa "
              "(izquierda). El último dibujo se evalúa aquí.",
        "en": "Draw a polygon or a rectangle with the map's drawing tool (left). The latest "
              "drawing is evaluated here.",
    },
    "draw_none": {"es": "Todavía no hay un área dibujada.", "en": "No area drawn yet."},
    "draw_not_polygon": {
        "es": "Dibuje un polígono o un rectángulo (no un punto ni una línea).",
        "en": "Draw a polygon or a rectangle (not a point or a line).",
    },
    "h_optimise": {"es": "Proponer k sitios nuevos", "en": "Propose k new sites"},
    "k_sites": {"es": "Número de sitios (k)", "en": "Number of sites (k)"},
    "objective": {"es": "Objetivo", "en": "Objective"},
    "objective_coverage": {
        "es": "Cubrir al máximo de desplazados", "en": "Cover the most displaced",
    },
    "objective_median": {
        "es": "Reducir la distancia total", "en": "Reduce the total distance",
    },
    "optimise_button": {"es": "Proponer sitios", "en": "Propose sites"},
    "optimise_running": {"es": "Buscando los mejores sitios…", "en": "Finding the best sites…"},
    "e_area_m2": {"es": "Área (m²)", "en": "Area (m²)"},
    "e_capacity_site": {
        "es": "Capacidad por área del sitio (personas)", "en": "Capacity by site area (persons)",
    },
    "e_capacity_covered": {
        "es": "Capacidad por área techada (personas)", "en": "Capacity by covered area (persons)",
    },
    "e_served": {
        "es": "Desplazados a menos de la distancia de servicio",
        "en": "Displaced within the service distance",
    },
    "e_nearest": {"es": "Albergues más cercanos", "en": "Nearest centres"},
    "e_flood_by_scenario": {"es": "Situación por escenario", "en": "Status per scenario"},

    # --- Scenario comparison metrics (summary table of the exposure engine) ------------
    "metric_centres_flooded": {"es": "Albergues inundados", "en": "Centres flooded"},
    "metric_centres_isolated": {"es": "Albergues aislados", "en": "Centres isolated"},
    "metric_centres_at_risk": {"es": "Albergues en riesgo", "en": "Centres at risk"},
    "metric_persons_in_flooded_centres": {
        "es": "Personas en albergues inundados", "en": "Persons in flooded centres",
    },
    "metric_families_in_flooded_centres": {
        "es": "Familias en albergues inundados", "en": "Families in flooded centres",
    },
    "metric_communities_flooded": {
        "es": "Comunidades con agua", "en": "Communities with water",
    },
    "metric_pop_exposed": {"es": "Personas expuestas", "en": "People exposed"},
    "metric_displaced_est": {"es": "Desplazados estimados", "en": "Estimated displaced"},

    # --- Needs (items of settings.NEEDS_PROFILE) ----------------------------------------
    "need_water_l_per_day": {"es": "Agua (litros por día)", "en": "Water (litres per day)"},
    "need_covered_space_m2": {"es": "Espacio techado (m²)", "en": "Covered space (m²)"},
    "need_latrines": {"es": "Letrinas", "en": "Latrines"},
    "need_showers": {"es": "Duchas", "en": "Showers"},
    "need_hygiene_kits": {"es": "Kits de higiene", "en": "Hygiene kits"},
    "need_kitchen_kits": {"es": "Kits de cocina", "en": "Kitchen kits"},

    # --- Why displaced people are left without a place ---------------------------------
    "reason_too_far": {"es": "demasiado lejos", "en": "too far"},
    "reason_unreachable": {"es": "sin ruta", "en": "no route"},
    "reason_over_capacity": {"es": "albergues llenos", "en": "centres full"},
    "reason_no_centre": {"es": "ningún albergue operativo", "en": "no operational centre"},
    "col_unserved_reason": {"es": "Motivo", "en": "Why"},
    "col_rank": {"es": "Orden", "en": "Rank"},
    "col_mean_distance_m": {"es": "Distancia media (m)", "en": "Mean distance (m)"},
    "col_nearest_existing_m": {
        "es": "Albergue existente más cercano (m)", "en": "Nearest existing centre (m)",
    },
    "col_flooded_share": {"es": "Parte inundada", "en": "Share flooded"},
    "area_dry": {"es": "Seco", "en": "Dry"},
    "area_partly_flooded": {"es": "Inundado en parte", "en": "Partly flooded"},
    "area_flooded": {"es": "Inundado", "en": "Flooded"},
    "area_no_data": {"es": "Sin dato", "en": "No data"},

    # --- Export view -------------------------------------------------------------------
    "export_intro": {
        "es": "Descargue las capas que se muestran en el mapa para QGIS, Google Earth o una "
              "presentación.",
        "en": "Download the layers shown on the map for QGIS, Google Earth or a slide.",
    },
    "export_format": {"es": "Formato", "en": "Format"},
    "export_layers": {"es": "Capas", "en": "Layers"},
    "export_button": {"es": "Descargar {fmt}", "en": "Download {fmt}"},
    "export_empty": {"es": "Elija al menos una capa.", "en": "Choose at least one layer."},
    "export_layer_centres_exposure": {
        "es": "Albergues con exposición", "en": "Centres with exposure",
    },
    "export_layer_communities_exposure": {
        "es": "Comunidades con exposición", "en": "Communities with exposure",
    },
    "export_layer_districts": {"es": "Distritos", "en": "Districts"},
    "export_layer_rivers": {"es": "Ríos", "en": "Rivers"},
}

# --- Export labels (appended by the exports module's owner; keep this section last) -----
STRINGS.update({
    "export.kml_title": {"es": "Crecida — albergues e inundación",
                         "en": "Crecida — collective centres and flooding"},
    "export.title": {"es": "Albergues e inundación — {area}",
                     "en": "Collective centres and flooding — {area}"},
    "export.area": {"es": "Iquitos, Loreto (Perú)", "en": "Iquitos, Loreto (Peru)"},
    "export.scenario_date": {"es": "Escenario: {scenario} · Fecha: {date}",
                             "en": "Scenario: {scenario} · Date: {date}"},
    "export.disclaimer": {
        "es": "Análisis preliminar, aún no validado en campo. Los límites y nombres no "
              "implican aprobación oficial.",
        "en": "Preliminary analysis, not yet validated in the field. Boundaries and names do "
              "not imply official endorsement.",
    },
    "export.sample_warning": {
        "es": "DATOS DE MUESTRA SINTÉTICOS — NO APTOS PARA USO OPERATIVO",
        "en": "SYNTHETIC SAMPLE DATA — NOT FOR OPERATIONAL USE",
    },
    "export.legend": {"es": "Leyenda", "en": "Legend"},
    "export.summary": {"es": "Resumen", "en": "Summary"},
    "export.centres_flooded": {"es": "Albergues inundados", "en": "Centres flooded"},
    "export.centres_isolated": {"es": "Albergues aislados", "en": "Centres isolated"},
    "export.centres_at_risk": {"es": "Albergues en riesgo", "en": "Centres at risk"},
    "export.families_flooded": {"es": "Familias en albergues inundados",
                                "en": "Families in flooded centres"},
    "export.people_exposed": {"es": "Personas expuestas", "en": "People exposed"},
    "export.displaced_est": {"es": "Desplazados (estimado)", "en": "Displaced (estimate)"},
    "export.capacity_shortfall": {"es": "Déficit de capacidad (personas)",
                                  "en": "Capacity shortfall (persons)"},
    "export.not_available": {"es": "s. d.", "en": "n/a"},
    "export.crs": {"es": "Sistema de coordenadas: {crs}", "en": "Coordinate system: {crs}"},
    "export.sources": {"es": "Fuentes: {sources}", "en": "Sources: {sources}"},
    "export.producer": {"es": "Elaborado por: {producer} · {date}",
                        "en": "Produced by: {producer} · {date}"},
    "export.locator": {"es": "Ubicación (Loreto)", "en": "Location (Loreto)"},
    "export.flood_extent": {"es": "Zona inundada", "en": "Flooded area"},
    "export.communities": {"es": "Comunidades", "en": "Communities"},
    "export.centres": {"es": "Albergues", "en": "Collective centres"},
    "export.new_sites": {"es": "Sitios propuestos", "en": "Proposed sites"},
    "export.districts": {"es": "Límite distrital", "en": "District boundary"},
    "export.rivers": {"es": "Ríos", "en": "Rivers"},
    "export.layer.centres_exposure": {"es": "Albergues — exposición",
                                      "en": "Collective centres — exposure"},
    "export.layer.communities_exposure": {"es": "Comunidades — exposición",
                                          "en": "Communities — exposure"},
    "export.layer.flood_extent": {"es": "Zona inundada", "en": "Flood extent"},
    "export.layer.districts": {"es": "Distritos", "en": "Districts"},
    "export.layer.rivers": {"es": "Ríos", "en": "Rivers"},
    "export.layer.assignments": {"es": "Asignaciones", "en": "Assignments"},
    "export.layer.catchments": {"es": "Zonas de cobertura", "en": "Catchment zones"},
    "export.layer.centres_capacity": {"es": "Albergues — capacidad",
                                      "en": "Collective centres — capacity"},
    "export.layer.new_sites": {"es": "Sitios propuestos", "en": "Proposed sites"},
    "export.layer.coverage": {"es": "Cobertura", "en": "Coverage"},
})


# --- where a problem is, and the problems' own words (geo.errors.Problem.keyed) -------------
STRINGS.update({
    "where.row": {"es": "fila {row}", "en": "row {row}"},
    "where.column": {"es": "columna '{column}'", "en": "column '{column}'"},
    "where.problems_found": {"es": "{n} problemas encontrados:", "en": "{n} problems found:"},
    "msg.not_a_number": {"es": "'{value}' no es un número", "en": "'{value}' is not a number"},
    "fix.not_a_number": {"es": "escriba un número simple", "en": "write a plain number"},
    "msg.value_missing": {"es": "falta el valor", "en": "value missing"},
    "fix.value_missing": {"es": "complete el valor", "en": "fill in the value"},
})


# --- the edges: options, outputs, unexpected errors (command line, app, exports) ------------
STRINGS.update({
    "cli.error": {"es": "error", "en": "error"},
    "cli.warning": {"es": "aviso", "en": "warning"},
    "cli.note": {"es": "nota", "en": "note"},
    "cli.interrupted": {"es": "interrumpido", "en": "interrupted"},
    "cli.wrote": {"es": "escrito", "en": "wrote"},
    "cli.not_a_number": {"es": "'{value}' no es un número", "en": "'{value}' is not a number"},
    "cli.not_a_whole_number": {"es": "'{value}' no es un número entero",
                               "en": "'{value}' is not a whole number"},
    "cli.not_a_bbox": {"es": "'{value}' no tiene la forma OESTE,SUR,ESTE,NORTE",
                       "en": "'{value}' is not WEST,SOUTH,EAST,NORTH"},
    "progress.classify": {"es": "clasificando la profundidad", "en": "classifying depth"},
    "progress.overviews": {"es": "creando vistas reducidas", "en": "building overviews"},
    "app.unexpected": {
        "es": "Algo salió mal al mostrar esta vista ({error}). Los detalles quedaron en {log}. "
              "Los demás datos siguen en pantalla.",
        "en": "Something went wrong while showing this view ({error}). The details are in "
              "{log}. The rest of the data stays on screen.",
    },
    "app.export_notes": {"es": "Avisos de la exportación", "en": "Notes on the export"},
    "msg.parameter_not_finite": {"es": "debe ser un número finito, no {value}",
                                 "en": "must be a finite number, not {value}"},
    "fix.parameter_not_finite": {"es": "dé un número de {low} a {high} {unit}",
                                 "en": "give a number from {low} to {high} {unit}"},
    "msg.parameter_out_of_range": {"es": "{value} está fuera del rango aceptado",
                                   "en": "{value} is outside the accepted range"},
    "fix.parameter_out_of_range": {"es": "dé un número de {low} a {high} {unit}",
                                   "en": "give a number from {low} to {high} {unit}"},
    "msg.parameter_not_a_choice": {"es": "'{value}' no es una opción",
                                   "en": "'{value}' is not one of the choices"},
    "fix.parameter_not_a_choice": {"es": "elija uno de: {choices}",
                                   "en": "choose one of: {choices}"},
    "msg.parameter_not_whole": {"es": "debe ser un número entero, no {value}",
                                "en": "must be a whole number, not {value}"},
    "fix.parameter_not_whole": {"es": "dé un número entero de {low} a {high}",
                                "en": "give a whole number from {low} to {high}"},
    "msg.count_out_of_range": {"es": "{value} está fuera del rango aceptado",
                               "en": "{value} is outside the accepted range"},
    "fix.count_out_of_range": {"es": "dé un número entero de {low} a {high}",
                               "en": "give a whole number from {low} to {high}"},
    "msg.parameter_not_bool": {"es": "debe ser verdadero o falso, no {value}",
                               "en": "must be true or false, not {value}"},
    "msg.output_format_unknown": {
        "es": "no se reconoce el formato de exportación en el nombre '{name}'",
        "en": "cannot tell the export format from the file name '{name}'",
    },
    "fix.output_format_unknown": {"es": "termine el nombre con uno de: {formats}",
                                  "en": "end the name with one of: {formats}"},
    "msg.output_not_gpkg": {
        "es": "este comando escribe un GeoPackage y '{name}' no termina en .gpkg",
        "en": "this command writes a GeoPackage and '{name}' does not end in .gpkg",
    },
    "fix.output_not_gpkg": {"es": "dé --out NOMBRE.gpkg", "en": "give --out NAME.gpkg"},
    "msg.output_folder_unusable": {
        "es": "no se puede escribir en la carpeta {folder}: {reason}",
        "en": "cannot write to the folder {folder}: {reason}",
    },
    "fix.output_folder_unusable": {
        "es": "elija una carpeta en la que pueda escribir",
        "en": "choose a folder you can write to",
    },
    "msg.output_is_folder": {"es": "{name} es una carpeta, no un archivo",
                             "en": "{name} is a folder, not a file"},
    "fix.output_is_folder": {"es": "dé el nombre de un archivo dentro de esa carpeta",
                             "en": "give the name of a file inside that folder"},
    "msg.output_write_failed": {"es": "no se pudo escribir {name}: {reason}",
                                "en": "could not write {name}: {reason}"},
    "fix.output_write_failed": {
        "es": "compruebe que queda espacio en el disco y que puede escribir en {folder}, o "
              "elija otro destino; un archivo anterior con ese nombre queda como estaba",
        "en": "check that the disk has free space and that {folder} can be written to, or "
              "choose another place; an earlier file of that name is left as it was",
    },
    "msg.shapefile_long_text": {
        "es": "{count} texto(s) pasan de los 254 bytes que guarda un shapefile: se cortan ahí "
              "(terminan en …) y van completos en long_text.csv",
        "en": "{count} text value(s) longer than the 254 bytes a shapefile holds: cut there "
              "(ending in …) and kept whole in long_text.csv",
    },
    "msg.shapefile_number_too_large": {
        "es": "{value} es demasiado grande para un campo de shapefile (máximo ±{limit:g})",
        "en": "{value} is too large for a shapefile field (at most ±{limit:g})",
    },
    "fix.shapefile_number_too_large": {
        "es": "exporte a .gpkg o .geojson, que guardan cualquier número",
        "en": "export to .gpkg or .geojson, which keep every number",
    },
    "msg.solver_best_feasible": {
        "es": "{message} — se usa la mejor respuesta factible",
        "en": "{message} — using the best feasible answer",
    },
    "msg.unexpected": {
        "es": "error inesperado ({error}); los detalles quedaron en {log}",
        "en": "unexpected error ({error}); the details are in {log}",
    },
    "fix.unexpected": {
        "es": "envíe ese archivo a quien le da soporte de Crecida; mientras tanto revise los "
              "datos de entrada",
        "en": "send that file to whoever supports Crecida for you; meanwhile check the input "
              "files",
    },
    "msg.unexpected_file": {
        "es": "no se pudo leer este archivo (error inesperado: {error}); los detalles "
              "quedaron en {log}",
        "en": "this file could not be read (unexpected error: {error}); the details are in "
              "{log}",
    },
    "fix.unexpected_file": {
        "es": "compruebe que el archivo se abre en QGIS o en una hoja de cálculo, o envíe el "
              "registro a quien le da soporte",
        "en": "check that the file opens in QGIS or a spreadsheet, or send the log to "
              "whoever supports Crecida for you",
    },
    "log.unavailable": {"es": "(no se pudo escribir el registro)",
                        "en": "(the log file could not be written)"},
})


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``.

    An unknown language falls back to Spanish; an unknown key raises ``KeyError`` (a missing
    translation is a bug, caught by the tests).

    >>> t("status_flooded", "en")
    'Flooded'
    >>> t("layer_flood", "es", scenario="118.6 m")
    'Inundación: 118.6 m'
    """
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
