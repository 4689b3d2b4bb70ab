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
        "es": "Datos de muestra SINTÉTICOS de Iquitos — no aptos para uso operativo. Cargue "
              "sus datos en «Sus datos» (barra lateral).",
        "en": "SYNTHETIC Iquitos sample data — not for operational use. Upload your own "
              "data under “Your data” (sidebar).",
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
        "es": "Capas: botón de arriba a la derecha del mapa. Pase el ratón sobre un albergue o "
              "una comunidad para ver sus datos; haga clic en el mapa para acercar con la "
              "rueda del ratón.",
        "en": "Layers: the button at the top right of the map. Hover over a centre or a "
              "community to see its figures; click the map to zoom with the mouse wheel.",
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
    "legend_centres": {"es": "Albergues: inundación", "en": "Centres: flood status"},
    "legend_centres_note": {
        "es": "Tamaño: personas alojadas.",
        "en": "Size: persons housed.",
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
    "catchment_mode": {"es": "Distancia medida", "en": "Distance measured"},
    "mode_straight": {"es": "En línea recta", "en": "Straight line"},
    "mode_flood_aware": {
        "es": "Evitando el agua (a pie y en bote)",
        "en": "Around the water (on foot and by boat)",
    },
    "capacity_mode": {"es": "Respetar la capacidad", "en": "Respect capacity"},
    "capacity_mode_help": {
        "es": "Un albergue lleno no recibe a más: el exceso va al siguiente albergue con "
              "espacio a menos de la distancia de servicio, o queda sin lugar.",
        "en": "A full centre takes no more: the overflow goes to the next centre with room "
              "within the service distance, or stays without a place.",
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
        "es": "Distancia al albergue operativo más cercano (m)",
        "en": "Distance to the nearest operational centre (m)",
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

# --- Offline maps: background, basemap upload, "cannot draw" (field mode, issue 11) -------
STRINGS.update({
    "basemap_study_area": {"es": "Área de estudio (sin conexión)",
                           "en": "Study area (offline)"},
    "basemap_user": {"es": "Mapa de fondo: {name}", "en": "Basemap: {name}"},
    "layer_place_names": {"es": "Nombres de comunidades", "en": "Community names"},
    "basemap_offline_note": {
        "es": "Sin conexión a internet: el fondo web no carga. Se muestra el fondo sin conexión "
              "(área de estudio).",
        "en": "No internet connection: the web background does not load. Showing the offline "
              "background (study area).",
    },
    "basemap_offline_dismiss": {"es": "Clic para cerrar", "en": "Click to close"},
    "basemap_header": {"es": "Mapa de fondo sin conexión", "en": "Offline basemap"},
    "basemap_upload": {
        "es": "Imagen o paquete de teselas (GeoTIFF, MBTiles, PMTiles)",
        "en": "Picture or tile package (GeoTIFF, MBTiles, PMTiles)",
    },
    "basemap_help": {
        "es": "Un mosaico satelital o un mapa escaneado (GeoTIFF) o un paquete de teselas "
              "exportado para uso sin conexión. Se lee en este equipo; nada se pide a internet.",
        "en": "A satellite mosaic or a scanned map (GeoTIFF) or a tile package exported for "
              "offline use. It is read on this computer; nothing is requested from the "
              "internet.",
    },
    "basemap_loaded": {"es": "Mapa de fondo cargado: {name}", "en": "Basemap loaded: {name}"},
    "basemap_failed": {"es": "No se pudo usar el mapa de fondo {name}:",
                       "en": "The basemap {name} could not be used:"},
    "map_cannot_draw": {
        "es": "No se puede dibujar el mapa: {reason}",
        "en": "The map cannot be drawn: {reason}",
    },
    "map_assets_missing": {
        "es": "faltan las bibliotecas del mapa (Leaflet) en esta instalación. Ejecute "
              "`make run` una vez (instala todo, necesita npm) o `make assets`.",
        "en": "the map libraries (Leaflet) are missing from this installation. Run `make run` "
              "once (it installs everything; needs npm) or `make assets`.",
    },
    "map_offline_caption": {
        "es": "Modo sin conexión: el mapa no pide nada a internet.",
        "en": "Offline mode: the map requests nothing from the internet.",
    },
})
# --- Offline basemaps, zonal overlap, the map libraries (geo.basemap, geo.zonal, layers.assets)
STRINGS.update({
    # a basemap the user brings (geo.basemap)
    "msg.basemap_wrong_type": {
        "es": "un mapa de fondo debe ser un archivo GeoTIFF, MBTiles o PMTiles, no '{suffix}'",
        "en": "a basemap must be a GeoTIFF, MBTiles or PMTiles file, not '{suffix}'"},
    "fix.basemap_wrong_type": {"es": "exporte el fondo como .tif, .mbtiles o .pmtiles",
                               "en": "export the background as .tif, .mbtiles or .pmtiles"},
    "msg.basemap_no_overlap": {
        "es": "el mapa de fondo cubre lon {west}…{east}, lat {south}…{north}, que no se "
              "superpone al área del mapa lon {area_west}…{area_east}, lat "
              "{area_south}…{area_north}",
        "en": "the basemap covers lon {west}…{east}, lat {south}…{north}, which does not "
              "overlap the map's area lon {area_west}…{area_east}, lat "
              "{area_south}…{area_north}"},
    "fix.basemap_no_overlap": {
        "es": "elija un mapa de fondo del área de estudio (revise su sistema de coordenadas)",
        "en": "choose a basemap of the study area (check its coordinate system)"},
    "msg.basemap_no_crs": {"es": "el GeoTIFF del mapa de fondo no tiene sistema de coordenadas",
                           "en": "the basemap GeoTIFF has no coordinate system"},
    "fix.basemap_no_crs": {
        "es": "georreferéncielo (p. ej. en QGIS) y guárdelo con su sistema de coordenadas",
        "en": "georeference it (e.g. in QGIS) and save it with its CRS"},
    "msg.basemap_geotiff_unreadable": {"es": "no se puede leer el GeoTIFF del mapa de fondo",
                                       "en": "cannot read the basemap GeoTIFF"},
    "fix.basemap_geotiff_unreadable": {"es": "compruebe que el archivo sea un GeoTIFF completo",
                                       "en": "check that the file is a complete GeoTIFF"},
    "msg.basemap_tile_undecodable": {
        "es": "la tesela {tile} no es una imagen que Crecida pueda decodificar",
        "en": "tile {tile} is not a picture Crecida can decode"},
    "fix.basemap_tile_undecodable": {"es": "exporte el paquete con teselas PNG, JPEG o WebP",
                                     "en": "export the package with PNG, JPEG or WebP tiles"},
    "msg.basemap_no_tiles_here": {
        "es": "el paquete no tiene teselas en el nivel de zoom {zoom} sobre el área del mapa",
        "en": "the package has no tiles at zoom {zoom} over the map's area"},
    "fix.basemap_no_tiles_here": {"es": "exporte el paquete para el área de estudio",
                                  "en": "export the package for the study area"},
    "msg.basemap_mbtiles_unopenable": {"es": "no se puede abrir el archivo MBTiles",
                                       "en": "cannot open the MBTiles file"},
    "msg.basemap_not_mbtiles": {"es": "no es un paquete MBTiles",
                                "en": "this is not an MBTiles package"},
    "fix.basemap_not_mbtiles": {
        "es": "exporte el fondo como MBTiles (tablas 'metadata' y 'tiles')",
        "en": "export the background as MBTiles (tables 'metadata' and 'tiles')"},
    "msg.basemap_mbtiles_not_pictures": {
        "es": "el paquete MBTiles contiene teselas '{tile_format}', no imágenes",
        "en": "the MBTiles package holds '{tile_format}' tiles, not pictures"},
    "fix.basemap_mbtiles_not_pictures": {
        "es": "use un paquete ráster (teselas PNG, JPEG o WebP); las teselas vectoriales "
              "necesitan un estilo para dibujarse",
        "en": "use a raster package (PNG, JPEG or WebP tiles); vector tiles need a style to "
              "be drawn"},
    "msg.basemap_mbtiles_empty": {"es": "el paquete MBTiles no tiene teselas",
                                  "en": "the MBTiles package has no tiles"},
    "msg.basemap_not_pmtiles": {"es": "no es un archivo PMTiles",
                                "en": "this is not a PMTiles archive"},
    "fix.basemap_not_pmtiles": {"es": "exporte el fondo como PMTiles versión 3",
                                "en": "export the background as PMTiles version 3"},
    "msg.basemap_pmtiles_version": {"es": "la versión {version} de PMTiles no es compatible",
                                    "en": "PMTiles version {version} is not supported"},
    "fix.basemap_pmtiles_version": {"es": "conviértalo a la versión 3 (pmtiles convert)",
                                    "en": "convert it to version 3 (pmtiles convert)"},
    "msg.basemap_pmtiles_compression": {
        "es": "el archivo PMTiles usa compresión {method}, que Crecida no puede leer sin "
              "conexión",
        "en": "the PMTiles archive uses {method} compression, which Crecida cannot read "
              "offline"},
    "fix.basemap_pmtiles_compression": {"es": "conviértalo con compresión gzip o sin compresión",
                                        "en": "convert it with gzip or no compression"},
    "msg.basemap_pmtiles_unopenable": {"es": "no se puede abrir el archivo PMTiles",
                                       "en": "cannot open the PMTiles file"},
    "msg.basemap_pmtiles_damaged": {
        "es": "el archivo PMTiles está dañado o incompleto: su contenido no es lo que dice su "
              "encabezado",
        "en": "the PMTiles file is damaged or incomplete: its contents are not what its header "
              "says"},
    "fix.basemap_pmtiles_damaged": {
        "es": "cópielo o expórtelo de nuevo, completo",
        "en": "copy or export it again, whole"},
    "msg.basemap_pmtiles_not_pictures": {
        "es": "el archivo PMTiles contiene teselas '{tile_type}', no imágenes",
        "en": "the PMTiles archive holds '{tile_type}' tiles, not pictures"},
    "fix.basemap_pmtiles_not_pictures": {
        "es": "use un archivo ráster (teselas PNG, JPEG o WebP); las teselas vectoriales "
              "necesitan un estilo para dibujarse",
        "en": "use a raster archive (PNG, JPEG or WebP tiles); vector tiles need a style to "
              "be drawn"},
    # vectors that miss the raster (geo.zonal.check_overlap)
    "msg.zonal_no_overlap": {
        "es": "la capa de {what} (extensión {bounds}) no se superpone al ráster {raster} "
              "(extensión {raster_bounds}); ambas extensiones en el sistema de coordenadas "
              "del ráster, {crs}",
        "en": "the {what} layer (extent {bounds}) does not overlap the raster {raster} "
              "(extent {raster_bounds}); both extents in the raster's CRS {crs}"},
    "fix.zonal_no_overlap": {
        "es": "compruebe que ambas capas cubran la misma zona y tengan el sistema de "
              "coordenadas correcto",
        "en": "check that both layers cover the same area and have the right CRS"},
    # the map libraries served from static/vendor (layers.assets)
    "msg.assets_not_served": {"es": "el mapa pide {url}, que Crecida no sirve por sí mismo",
                              "en": "the map asks for {url}, which Crecida does not serve "
                                    "itself"},
    "fix.assets_not_served": {
        "es": "agregue el paquete npm a package.json y la dirección a "
              "layers.assets.CDN_FILES",
        "en": "add the npm package to package.json and the address to "
              "layers.assets.CDN_FILES"},
    "msg.assets_not_installed": {
        "es": "{n} archivo(s) de las bibliotecas del mapa no están instalados en {folder} "
              "(el primero: {first})",
        "en": "{n} map library file(s) are not installed in {folder} (first: {first})"},
    "fix.assets_not_installed": {
        "es": "ejecute `make run` o `make assets` una vez (necesita npm)",
        "en": "run `make run` or `make assets` once (needs npm)"},
    "msg.assets_package_missing": {"es": "falta {folder}", "en": "{folder} is missing"},
    "fix.assets_package_missing": {"es": "ejecute primero `npm ci`",
                                   "en": "run `npm ci` first"},
    "msg.assets_wrong_version": {
        "es": "está instalado {package} {version}, pero Crecida fija la versión {pinned}",
        "en": "{package} {version} is installed, Crecida pins {pinned}"},
    "fix.assets_wrong_version": {"es": "ejecute `npm ci`", "en": "run `npm ci`"},
    "msg.assets_outside_vendor": {"es": "{url} apunta fuera de {folder}",
                                  "en": "{url} points outside {folder}"},
    "msg.assets_file_not_installed": {"es": "{path} no está instalado",
                                      "en": "{path} is not installed"},
    "fix.assets_file_not_installed": {"es": "ejecute `make assets` (necesita npm)",
                                      "en": "run `make assets` (needs npm)"},
    "msg.assets_css_from_network": {
        "es": "una hoja de estilos en {folder} carga {url} desde la red",
        "en": "a style sheet under {folder} loads {url} from the network"},
    "msg.assets_css_file_missing": {
        "es": "{url}, nombrado en una hoja de estilos en {folder}, no está instalado",
        "en": "{url}, named in a style sheet under {folder}, is not installed"},
    "msg.assets_image_not_served": {
        "es": "la página muestra una imagen que Crecida no sirve: {url}",
        "en": "the page shows an image Crecida does not serve: {url}"},
    # what `python -m layers.assets` prints
    "assets.installed": {"es": "bibliotecas del mapa: {n} archivos en {folder}",
                         "en": "map libraries: {n} files in {folder}"},
    "assets.all_installed": {"es": "bibliotecas del mapa: los {n} archivos están instalados",
                             "en": "map libraries: all {n} files installed"},
    "assets.usage": {
        "es": "uso: python -m layers.assets [--lang es|en] install|check|licences",
        "en": "usage: python -m layers.assets [--lang es|en] install|check|licences"},
})
# --- end of offline maps ---------------------------------------------------------------------
# --- River stages (appended with issue 14: geo/stage; names like "117.8 m" need no text) --
STRINGS.update({
    "stage_slider": {
        "es": "Nivel del río en la regla Enapu-Perú (m s.n.m.)",
        "en": "River stage at the Enapu-Perú gauge (m a.s.l.)",
    },
    "stage_mode": {"es": "Usar el nivel del río", "en": "Use the river stage"},
    "stage_mode_help": {
        "es": "En vez de un escenario, un nivel leído en la regla: la inundación se calcula "
              "con el DEM, solo donde el agua del río puede llegar.",
        "en": "Instead of a scenario, a gauge reading: the flood is computed from the DEM, "
              "only where the river's water can reach.",
    },
    "stage_box": {"es": "Nivel exacto (m)", "en": "Exact stage (m)"},
    "stage_ponding_risk": {
        "es": "Riesgo de encharcamiento: terreno bajo el nivel que el río no alcanza",
        "en": "Ponding risk: ground below the stage that the river does not reach",
    },
    "stage_centres_flooded_by_stage": {
        "es": "Albergues inundados según el nivel del río, por distrito",
        "en": "Centres flooded by river stage, per district",
    },
    "stage_flooding_stage": {"es": "Nivel de inundación (m)", "en": "Flooding stage (m)"},
    "stage_floods_from": {"es": "Se inunda desde (m)", "en": "Floods from (m)"},
    "stage_cut_off_from": {"es": "Queda aislado desde (m)", "en": "Cut off from (m)"},
    "stage_at_risk_from": {"es": "En riesgo desde (m)", "en": "At risk from (m)"},
    "stage_datum_note": {
        "es": "Los niveles son lecturas de la regla; en el datum del DEM el agua queda en el "
              "nivel + {offset} m. El datum de la regla y el del DEM deben coincidir.",
        "en": "Stages are gauge readings; in the DEM's datum the water stands at the stage + "
              "{offset} m. The gauge's datum and the DEM's must match.",
    },
    "stage_forecast_title": {
        "es": "Pronóstico: albergues que se inundan o quedan aislados, por día",
        "en": "Forecast: centres flooding or cut off, by day",
    },
    "stage_forecast_date_flooded": {"es": "Fecha en que se inunda", "en": "Date flooded"},
    "stage_forecast_days_to_flooded": {"es": "Días hasta inundarse", "en": "Days until flooded"},
    "stage_forecast_date_isolated": {"es": "Fecha en que queda aislado", "en": "Date cut off"},
    "stage_forecast_days_to_isolated": {"es": "Días hasta quedar aislado",
                                        "en": "Days until cut off"},
    "stage_forecast_newly_flooded": {"es": "Se inundan ese día", "en": "Flooding that day"},
})

# --- River-stage messages and notes (geo.stage: names, seeds, fill, model, curves, forecast) --
STRINGS.update({
    # stages as a user writes them (geo.stage.names)
    "msg.stage_not_a_stage": {"es": "'{text}' no es un nivel del río",
                              "en": "'{text}' is not a stage"},
    "fix.stage_not_a_stage": {
        "es": "dé un nivel en metros (117.8) o un rango INICIO:FIN:PASO (116:119:0.2)",
        "en": "give a stage in metres (117.8) or a range START:STOP:STEP (116:119:0.2)"},
    "msg.stage_not_a_range": {"es": "'{text}' no es un nivel ni un rango de niveles",
                              "en": "'{text}' is not a stage or a range"},
    "fix.stage_not_a_range": {
        "es": "dé un nivel en metros (117.8) o un rango INICIO:FIN:PASO (116:119:0.2)",
        "en": "give a stage in metres (117.8) or a range START:STOP:STEP (116:119:0.2)"},
    "msg.stage_range_empty": {"es": "el rango '{text}' está vacío",
                              "en": "range '{text}' is empty"},
    "fix.stage_range_empty": {
        "es": "dé un rango INICIO:FIN:PASO con FIN ≥ INICIO y PASO > 0 (116:119:0.2)",
        "en": "give a range START:STOP:STEP with STOP ≥ START and STEP > 0 (116:119:0.2)"},
    "msg.stage_range_too_long": {"es": "el rango '{text}' contiene {n} niveles",
                                 "en": "range '{text}' holds {n} stages"},
    "fix.stage_range_too_long": {"es": "use un paso mayor (como máximo {limit} niveles)",
                                 "en": "use a larger step (at most {limit} stages)"},
    "msg.stage_not_a_number": {"es": "el nivel '{value}' no es un número de metros",
                               "en": "stage '{value}' is not a number of metres"},
    "fix.stage_not_a_number": {"es": "p. ej. 117.8", "en": "e.g. 117.8"},
    "msg.stage_above_top": {
        "es": "el nivel {stage} está por encima del nivel más alto para el que se construyó el "
              "modelo de niveles ({top})",
        "en": "stage {stage} is above the highest stage the stage model was built for ({top})"},
    "fix.stage_above_top": {
        "es": "vuelva a construir el modelo de niveles con un nivel máximo más alto",
        "en": "rebuild the stage model with a higher maximum stage"},
    # where the river water starts (geo.stage.seeds)
    "msg.stage_rivers_no_crs": {
        "es": "la capa de ríos no tiene sistema de coordenadas (CRS)",
        "en": "the rivers layer has no coordinate reference system (CRS)"},
    "fix.stage_rivers_no_crs": {"es": "asígnele uno, p. ej. EPSG:4326",
                                "en": "set one, e.g. EPSG:4326"},
    "msg.stage_rivers_no_lines": {"es": "la capa de ríos no tiene líneas ni polígonos",
                                  "en": "the rivers layer has no lines or polygons"},
    "fix.stage_rivers_no_lines": {
        "es": "dé los ejes de los ríos (líneas) o el área que ocupan (polígonos)",
        "en": "give river centrelines or river-area polygons"},
    "msg.stage_rivers_off_dem": {"es": "ningún río de la capa de ríos cruza el MDE {dem}",
                                 "en": "no river of the rivers layer crosses the DEM {dem}"},
    "fix.stage_rivers_off_dem": {"es": "revise que los ríos y el MDE cubran la misma zona",
                                 "en": "check that the rivers and the DEM cover the same area"},
    "msg.stage_note_river_seeds": {
        "es": "el agua parte de los ríos: {cells} celdas del MDE tocadas por la capa de ríos "
              "({lines} líneas, {polygons} polígonos)",
        "en": "river seeds: {cells} DEM cells touched by the rivers layer ({lines} lines, "
              "{polygons} polygons)"},
    "msg.stage_gauge_not_numbers": {
        "es": "la posición de la regla {gauge} no es un par de números",
        "en": "gauge position {gauge} is not a pair of numbers"},
    "fix.stage_gauge_not_numbers": {"es": "dé su posición como LON,LAT, p. ej. -73.24,-3.74",
                                    "en": "give it as LON,LAT, e.g. -73.24,-3.74"},
    "msg.stage_gauge_off_dem": {"es": "la regla ({x}; {y}) está fuera del MDE {dem}",
                                "en": "the gauge ({x}, {y}) lies outside the DEM {dem}"},
    "fix.stage_gauge_off_dem": {
        "es": "revise las coordenadas (LON,LAT en grados) y la extensión del MDE",
        "en": "check the coordinates (LON,LAT in degrees) and the DEM's extent"},
    "msg.stage_gauge_no_height": {
        "es": "el MDE no tiene altura a menos de {radius} de la regla ({x}; {y})",
        "en": "the DEM has no height within {radius} of the gauge ({x}, {y})"},
    "fix.stage_gauge_no_height": {
        "es": "ponga la regla sobre el río, o rellene los huecos del MDE",
        "en": "move the gauge onto the river, or fill the DEM's voids"},
    "msg.stage_note_gauge_seed": {
        "es": "el agua parte de la regla ({x}; {y}), en la celda más baja del MDE a menos de "
              "{radius}: fila {cell_row}, columna {cell_col}, {height}",
        "en": "gauge ({x}, {y}) seeds the river at the lowest DEM cell within {radius}: row "
              "{cell_row}, column {cell_col}, {height}"},
    "msg.stage_extent_water_level": {
        "es": "un ráster de nivel del agua no puede indicar dónde está el río",
        "en": "a water-level raster cannot seed the river"},
    "fix.stage_extent_water_level": {
        "es": "dé una extensión observada (0/1) o un ráster de profundidad",
        "en": "give an observed extent (0/1) or a depth raster"},
    "msg.stage_note_extent_sampled": {
        "es": "extensión observada '{name}' muestreada en los centros de las celdas del MDE "
              "(celda más cercana)",
        "en": "observed extent '{name}' sampled at the DEM's cell centres (nearest cell)"},
    "msg.stage_extent_no_wet": {
        "es": "la extensión observada '{name}' no tiene ninguna celda con agua sobre el MDE "
              "{dem}",
        "en": "the observed extent '{name}' has no wet cell on the DEM {dem}"},
    "fix.stage_extent_no_wet": {"es": "revise que cubra el MDE",
                                "en": "check that it covers the DEM"},
    "msg.stage_note_extent_seeds": {
        "es": "el agua parte de lo observado: {cells} celdas del MDE con agua en '{name}'",
        "en": "observed-water seeds: {cells} DEM cells wet in '{name}'"},
    # the DEM and the water surface (geo.stage.fill)
    "msg.stage_note_dem_heights": {"es": "alturas del MDE de {low} a {high} m en {cells} celdas",
                                   "en": "DEM heights {low}–{high} m over {cells} cells"},
    "msg.stage_note_dem_no_height": {"es": "el MDE no tiene altura en ninguna de sus {cells} "
                                           "celdas",
                                     "en": "the DEM has no height in any of its {cells} cells"},
    "msg.stage_note_dem_voids": {
        "es": "{voids} celdas del MDE no tienen altura: ahí no hay nivel de inundación ni "
              "profundidad; {filled} dejan pasar el agua a la altura más baja a su alrededor, "
              "{blocked} (en el borde o sin rellenar) la detienen",
        "en": "{voids} DEM cells have no height: no flooding stage or depth there; {filled} let "
              "water through at the lowest height around them, {blocked} (touching the edge or "
              "not filled) block it"},
    "msg.stage_note_dem_voids_srtm": {
        "es": "{voids} celdas del MDE no tienen altura ({srtm} huecos SRTM −32768): ahí no hay "
              "nivel de inundación ni profundidad; {filled} dejan pasar el agua a la altura más "
              "baja a su alrededor, {blocked} (en el borde o sin rellenar) la detienen",
        "en": "{voids} DEM cells have no height ({srtm} SRTM voids −32768): no flooding stage "
              "or depth there; {filled} let water through at the lowest height around them, "
              "{blocked} (touching the edge or not filled) block it"},
    "msg.stage_note_dem_clamped": {
        "es": "{cells} celdas están a más de 655 m por debajo del tope del modelo; de su nivel "
              "de inundación solo se sabe que está por debajo de la base del modelo",
        "en": "{cells} cells lie more than 655 m below the model's top; their flooding stage "
              "is only known to be below its bottom"},
    "msg.stage_slope_negative": {
        "es": "la pendiente de la superficie del agua ({value} cm/km) es negativa",
        "en": "water-surface slope {value} cm/km is negative"},
    "fix.stage_slope_negative": {"es": "dé una pendiente ≥ 0 (cm por km, p. ej. 2)",
                                 "en": "give a slope ≥ 0 (cm per km, e.g. 2)"},
    "msg.stage_slope_not_finite": {
        "es": "la pendiente de la superficie del agua no es un número finito",
        "en": "the water-surface slope is not a finite number"},
    "fix.stage_slope_not_finite": {"es": "dé una pendiente ≥ 0 (cm por km, p. ej. 2)",
                                   "en": "give a slope ≥ 0 (cm per km, e.g. 2)"},
    "msg.stage_datum_not_finite": {
        "es": "la diferencia de datum no es un número finito de metros",
        "en": "the datum offset is not a finite number of metres"},
    "fix.stage_datum_not_finite": {"es": "dé un número de metros, p. ej. 0.35",
                                   "en": "give a number of metres, e.g. 0.35"},
    "msg.stage_slope_needs_gauge": {
        "es": "una pendiente de la superficie del agua necesita la posición de la regla",
        "en": "a water-surface slope needs the gauge's position"},
    "fix.stage_slope_needs_gauge": {"es": "dé la posición de la regla como LON,LAT (--gauge)",
                                    "en": "give the gauge as LON,LAT (--gauge)"},
    # the stage model (geo.stage.model)
    "msg.stage_shapes_differ": {
        "es": "las alturas {heights} y las celdas del río {seeds} deben ser matrices 2-D de la "
              "misma forma",
        "en": "heights {heights} and seeds {seeds} must be 2-D arrays of one shape"},
    "msg.stage_no_seed_source": {"es": "para los niveles del río hay que saber dónde está el río",
                                 "en": "river stages need to know where the river is"},
    "fix.stage_no_seed_source": {
        "es": "dé la capa de ríos (--rivers), una regla (--gauge LON,LAT) o una extensión de "
              "inundación observada",
        "en": "give the rivers layer (--rivers), a gauge (--gauge LON,LAT) or an observed flood "
              "extent"},
    "msg.stage_no_seed_cell": {"es": "ninguna celda del río tiene altura en el MDE {dem}",
                               "en": "no river cell with a height on the DEM {dem}"},
    "fix.stage_no_seed_cell": {"es": "revise que los ríos o la regla estén sobre el MDE",
                               "en": "check that the rivers or gauge lie on the DEM"},
    "msg.stage_model_no_crs": {
        "es": "el modelo de niveles no tiene sistema de coordenadas (CRS)",
        "en": "the stage model has no coordinate reference system (CRS)"},
    "fix.stage_model_no_crs": {"es": "constrúyalo a partir de un MDE con sistema de coordenadas",
                               "en": "build it from a DEM with a CRS"},
    "msg.stage_note_scenario": {
        "es": "profundidad con el nivel {stage} en la regla, a partir del MDE {dem}: solo agua "
              "del río; {cells} celdas de terreno bajo que el río no alcanza quedan secas "
              "(riesgo de encharcamiento)",
        "en": "depth at gauge stage {stage} from the DEM {dem}: river water only; {cells} cells "
              "of low ground the river cannot reach left dry (ponding risk)"},
    "msg.stage_note_model": {
        "es": "modelo de niveles: el agua del río llega a una celda cuando un camino de celdas "
              "vecinas (8 vecinas) a la altura del agua o por debajo la une a las {cells} "
              "celdas de partida del río; niveles y niveles de inundación en centímetros enteros",
        "en": "stage model: river water reaches a cell when an 8-neighbour path of cells at or "
              "below the water joins it to the river's {cells} seed cells; stages and flooding "
              "stages in whole centimetres"},
    "msg.stage_note_datum": {
        "es": "datum vertical: altura del agua en el datum del MDE = nivel en la regla "
              "{sign}{offset} m ({datum}); el datum de la regla y el del MDE deben coincidir — "
              "indique la diferencia de datum cuando no coincidan",
        "en": "vertical datum: water height in the DEM's datum = gauge stage {sign}{offset} m "
              "({datum}); the gauge's and the DEM's datums must match — set the datum offset "
              "when they differ"},
    "msg.stage_note_datum_stated": {
        "es": "datum vertical: altura del agua en el datum del MDE = nivel en la regla "
              "{sign}{offset} m (el MDE indica {name}); el datum de la regla y el del MDE deben "
              "coincidir — indique la diferencia de datum cuando no coincidan",
        "en": "vertical datum: water height in the DEM's datum = gauge stage {sign}{offset} m "
              "(the DEM states {name}); the gauge's and the DEM's datums must match — set the "
              "datum offset when they differ"},
    "stage.datum_not_stated": {"es": "no indicado", "en": "not stated"},
    "stage.datum_not_stated_dem": {"es": "el MDE no lo indica", "en": "not stated in the DEM"},
    "stage.datum_srtm": {
        "es": "el MDE no lo indica; las alturas de SRTM están sobre el geoide EGM96",
        "en": "not stated in the DEM; SRTM's heights are on the EGM96 geoid"},
    "msg.stage_note_slope": {
        "es": "la superficie del agua sube {slope} cm por km de distancia a la regla (la regla "
              "se toma como el extremo aguas abajo del tramo); en línea recta, no a lo largo de "
              "las curvas del río",
        "en": "water surface rises {slope} cm per km of distance from the gauge (the gauge "
              "taken as the reach's downstream end); straight lines, not along the river's "
              "bends"},
    "msg.stage_note_slope_azimuth": {
        "es": "la superficie del agua sube {slope} cm por km de distancia aguas arriba de la "
              "regla en la dirección {azimuth}° (hacia donde corre el río); en línea recta, no "
              "a lo largo de las curvas del río",
        "en": "water surface rises {slope} cm per km of distance upstream of the gauge along "
              "{azimuth}° (the river's flow direction); straight lines, not along the river's "
              "bends"},
    "msg.stage_note_flat": {
        "es": "superficie del agua horizontal: el nivel de la regla vale para todo el MDE",
        "en": "flat water surface: the gauge stage holds over the whole DEM"},
    "msg.stage_note_top": {
        "es": "modelo construido hasta {top}: el terreno más alto no se inunda y los niveles "
              "más altos se rechazan",
        "en": "model built up to {top}: higher ground is not flooded, higher stages are "
              "refused"},
    # stage curves of centres and communities (geo.stage.curves)
    "msg.stage_curves_no_crs": {
        "es": "las curvas por nivel del río necesitan un modelo con sistema de coordenadas (CRS)",
        "en": "stage curves need a model with a CRS"},
    "fix.stage_curves_no_crs": {
        "es": "construya el modelo de niveles a partir de un MDE con sistema de coordenadas",
        "en": "build the stage model from a DEM with a CRS"},
    "msg.stage_centres_no_crs": {
        "es": "los albergues no tienen sistema de coordenadas (CRS)",
        "en": "the centres have no coordinate reference system (CRS)"},
    "fix.stage_centres_no_crs": {"es": "asígneles uno, p. ej. EPSG:4326",
                                 "en": "set one, e.g. EPSG:4326"},
    "msg.stage_note_centres_reprojected": {
        "es": "albergues reproyectados de {crs} al sistema de coordenadas del MDE {dem_crs}; el "
              "MDE no se remuestreó",
        "en": "centres reprojected from {crs} to the DEM's CRS {dem_crs}; the DEM was not "
              "resampled"},
    # a stage forecast (geo.stage.forecast)
    "msg.stage_forecast_no_date_column": {"es": "el pronóstico no tiene columna de fecha",
                                          "en": "the forecast has no date column"},
    "fix.stage_forecast_no_date_column": {"es": "llámela 'fecha' o 'date'",
                                          "en": "name it 'fecha' or 'date'"},
    "msg.stage_forecast_no_stage_column": {"es": "el pronóstico no tiene columna de nivel",
                                           "en": "the forecast has no stage column"},
    "fix.stage_forecast_no_stage_column": {
        "es": "llámela 'nivel' o 'stage' (nivel en la regla, en metros)",
        "en": "name it 'nivel' or 'stage' (gauge stage in metres)"},
    "msg.stage_forecast_no_rows": {"es": "el pronóstico no tiene filas",
                                   "en": "the forecast has no rows"},
    "fix.stage_forecast_no_rows": {"es": "dé una fila por día, con su fecha y su nivel",
                                   "en": "give one row per day, with its date and stage"},
    "msg.stage_forecast_bad_date": {"es": "'{value}' no es una fecha",
                                    "en": "'{value}' is not a date"},
    "fix.stage_forecast_bad_date": {"es": "escriba las fechas como 2012-04-15 o 15/04/2012",
                                    "en": "write dates as 2012-04-15 or 15/04/2012"},
    "msg.stage_forecast_bad_stage": {"es": "'{value}' no es un nivel en metros",
                                     "en": "'{value}' is not a stage in metres"},
    "fix.stage_forecast_bad_stage": {"es": "p. ej. 117.85 o 117,85",
                                     "en": "e.g. 117.85"},
    "msg.stage_forecast_date_twice": {"es": "{date} aparece {n} veces (filas {rows})",
                                      "en": "{date} is given {n} times (rows {rows})"},
    "fix.stage_forecast_date_twice": {"es": "deje un solo nivel por día",
                                      "en": "keep one stage per day"},
    "msg.stage_note_forecast_days": {
        "es": "{n} días de pronóstico, del {first} al {last}, contados desde el {today}",
        "en": "{n} forecast days from {first} to {last}, counted from {today}"},
    # the app's river-stage panel
    "stage_model_notes": {"es": "Supuestos del modelo de niveles del río",
                          "en": "Assumptions of the river-stage model"},
})

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


# --- Exports, depth classes, needs and the sites' allocation: their problems (geo.export,
# --- geo.depth, geo.needs, geo.siting.optimise; Problem.keyed) ------------------------------
STRINGS.update({
    # geo.export.dispatch
    "msg.export_tif_needs_flood": {
        "es": "una exportación a GeoTIFF necesita un escenario de inundación",
        "en": "a GeoTIFF export needs a flood scenario"},
    "fix.export_tif_needs_flood": {
        "es": "elija un escenario (--scenario NOMBRE) o exporte a .gpkg/.geojson",
        "en": "choose a scenario (--scenario NAME) or export to .gpkg/.geojson instead"},
    "msg.export_html_no_writer": {
        "es": "no se proporcionó el módulo que escribe el mapa HTML: el mapa interactivo se "
              "dibuja con Folium en layers/, que geo/ no importa",
        "en": "the HTML map writer was not provided: the interactive map is drawn with Folium "
              "in layers/, which geo/ does not import"},
    "fix.export_html_no_writer": {
        "es": "instale Crecida (`make run` lo hace: `pip install -e .`), cuyo paquete `layers` "
              "registra ese módulo, o pase writers=layers.html.WRITERS; o exporte a .gpkg, "
              ".kml o .pdf",
        "en": "install Crecida (`make run` does: `pip install -e .`), whose `layers` package "
              "registers the writer, or pass writers=layers.html.WRITERS; or export to "
              ".gpkg, .kml or .pdf"},
    "msg.export_briefing_threshold": {
        "es": "el umbral de inundación del mapa de resumen ({briefing} m) no es el de la "
              "exportación ({export} m)",
        "en": "the briefing's flood threshold ({briefing} m) is not the export's ({export} m)"},
    "fix.export_briefing_threshold": {
        "es": "dé a BriefingData el threshold_m de la exportación, o déjelo sin indicar",
        "en": "give BriefingData the export's threshold_m, or leave it unset"},
    # geo.export.frames
    "msg.export_not_a_frame": {"es": "la capa no es un GeoDataFrame",
                               "en": "the layer is not a GeoDataFrame"},
    "fix.export_not_a_frame": {
        "es": "dé un GeoDataFrame de geopandas (una tabla con geometría y CRS)",
        "en": "give a geopandas GeoDataFrame (a table with geometry and a CRS)"},
    "msg.export_no_layers": {"es": "no hay ninguna capa para exportar",
                             "en": "there is no layer to export"},
    "fix.export_no_layers": {
        "es": "ejecute primero el análisis de exposición, o dé capas de entrada",
        "en": "run the exposure analysis first, or give input layers"},
    "msg.export_scenario_unknown": {"es": "ninguna capa tiene filas del escenario '{scenario}'",
                                    "en": "no layer has rows for scenario '{scenario}'"},
    "fix.export_scenario_unknown": {"es": "elija uno de: {choices}",
                                    "en": "choose one of: {choices}"},
    "msg.export_layer_unknown": {"es": "no hay ninguna capa '{layer}' para exportar",
                                 "en": "there is no layer '{layer}' to export"},
    "fix.export_layer_unknown": {"es": "elija una de: {choices}",
                                 "en": "choose one of: {choices}"},
    # geo.export.raster: a layer classified at another flood threshold
    "msg.export_depth_codes_unknown": {
        "es": "las clases de profundidad {codes} no existen con el umbral de {threshold} m "
              "({allowed})",
        "en": "depth classes {codes} are not classes at the {threshold} m threshold "
              "({allowed})"},
    "msg.export_depth_span_differs": {
        "es": "la clase de profundidad {code} abarca {here} aquí, pero {want} con el umbral de "
              "inundación de {threshold} m",
        "en": "depth class {code} spans {here} here but {want} at the {threshold} m flood "
              "threshold"},
    "msg.export_depth_span": {"es": "{low}–{high} m", "en": "{low}–{high} m"},
    "msg.export_depth_span_open": {"es": "{low} m o más", "en": "{low} m and over"},
    "msg.export_depth_span_unknown": {"es": "sin límites (agua de profundidad desconocida)",
                                      "en": "no bounds (water of unknown depth)"},
    "msg.export_depth_other_threshold": {
        "es": "las clases de profundidad de la capa no son las del umbral de inundación de "
              "{threshold} m de la exportación",
        "en": "the layer's depth classes are not those of the export's {threshold} m flood "
              "threshold"},
    "fix.export_depth_other_threshold": {
        "es": "prepare las capas y la exportación con el mismo umbral de inundación "
              "(threshold_m)",
        "en": "build the layers and the export with the same flood threshold (threshold_m)"},
    "msg.export_file_incomplete": {"es": "el archivo escrito quedó incompleto",
                                   "en": "the file written is incomplete"},
    # geo.export.vector
    "msg.export_more_too_large": {
        "es": "…y {n} valor(es) más, demasiado grande(s) para un shapefile",
        "en": "…and {n} more value(s) too large for a shapefile"},
    # geo.depth
    "msg.depth_code_unknown": {
        "es": "el código de clase de profundidad {code} no es uno de {allowed} (clases con el "
              "umbral de {threshold} m)",
        "en": "depth class code {code} is not one of {allowed} (classes at the {threshold} m "
              "threshold)"},
    "fix.depth_code_unknown": {
        "es": "clasifique la profundidad con el mismo umbral de inundación que la exportación",
        "en": "classify the depth with the same flood threshold as the export"},
    "msg.depth_threshold": {
        "es": "el umbral de inundación ({value} m) debe ser una profundidad mayor que 0 m",
        "en": "the flood threshold ({value} m) must be a depth above 0 m"},
    "fix.depth_threshold": {"es": "p. ej. 0,1 (metros)", "en": "e.g. 0.1 (metres)"},
    "msg.depth_threshold_not_a_number": {
        "es": "el umbral de inundación debe ser un número: una profundidad mayor que 0 m",
        "en": "the flood threshold must be a number: a depth above 0 m"},
    "fix.depth_threshold_not_a_number": {"es": "p. ej. 0,1 (metros)", "en": "e.g. 0.1 (metres)"},
    "msg.depth_edges_not_numbers": {
        "es": "los límites de las clases de profundidad deben ser una lista de números (m)",
        "en": "depth class edges must be a list of numbers (m)"},
    "fix.depth_edges_not_numbers": {"es": "p. ej. 0,1; 0,5; 1,5", "en": "e.g. 0.1, 0.5, 1.5"},
    "msg.depth_edges_not_increasing": {
        "es": "las clases de profundidad {edges} deben ser límites crecientes (m)",
        "en": "depth classes {edges} must be increasing edges (m)"},
    "fix.depth_edges_not_increasing": {"es": "p. ej. 0,1; 0,5; 1,5", "en": "e.g. 0.1, 0.5, 1.5"},
    "msg.depth_list_separator": {"es": "; ", "en": ", "},
    "msg.depth_rates_count": {
        "es": "{rates} tasas de desplazamiento para {classes} clases de profundidad",
        "en": "{rates} displacement rates for {classes} depth classes"},
    "fix.depth_rates_count": {"es": "dé una tasa por clase", "en": "give one rate per class"},
    "msg.depth_rates_range": {"es": "las tasas de desplazamiento deben estar entre 0 y 1",
                              "en": "displacement rates must be between 0 and 1"},
    "fix.depth_rates_range": {
        "es": "p. ej. 0,5 para la mitad de las personas expuestas",
        "en": "e.g. 0.5 for half of the people exposed"},
    # geo.needs
    "msg.needs_rate_basis": {
        "es": "en el perfil de necesidades, el artículo '{item}' necesita exactamente uno de "
              "per_person / per_family",
        "en": "in the needs profile, item '{item}' needs exactly one of per_person / "
              "per_family"},
    "fix.needs_rate_basis": {"es": "dé una sola tasa por artículo",
                             "en": "give one rate per item"},
    "msg.needs_rate_not_a_number": {
        "es": "en el perfil de necesidades, la tasa del artículo '{item}' no es un número",
        "en": "in the needs profile, the rate of item '{item}' is not a number"},
    "fix.needs_rate_not_a_number": {"es": "indique la tasa como un número de 0 o más",
                                    "en": "give the rate as a number of 0 or more"},
    "msg.needs_rate_negative": {
        "es": "en el perfil de necesidades, la tasa del artículo '{item}' ({rate}) debe ser 0 o "
              "más",
        "en": "in the needs profile, the rate of item '{item}' ({rate}) must be 0 or more"},
    "msg.needs_family_size": {
        "es": "el número de personas por familia debe ser mayor que 0, no {value}",
        "en": "persons per family must be above 0, not {value}"},
    "msg.needs_family_size_not_a_number": {
        "es": "el número de personas por familia debe ser un número mayor que 0",
        "en": "persons per family must be a number above 0"},
    # geo.siting.optimise
    "msg.siting_allocation_failed": {"es": "falló la asignación de personas a los sitios",
                                     "en": "the allocation of persons to sites failed"},
    "fix.siting_allocation_failed": {
        "es": "vuelva a intentarlo; si vuelve a fallar, envíe los datos de entrada a quien le da "
              "soporte de Crecida",
        "en": "try again; if it fails again, send the input files to whoever supports Crecida "
              "for you"},
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
    "msg.stage_needs_dem": {
        "es": "las cotas del río necesitan un modelo de elevación (DEM)",
        "en": "river stages need a digital elevation model (DEM)",
    },
    "fix.stage_needs_dem": {
        "es": "indique el DEM con --dem (metros sobre el nivel del mar)",
        "en": "give the DEM with --dem (metres above sea level)",
    },
})


# === Reading what planners bring (issue 10): problems and decisions of geo.io, geo.flood, ======
# === geo.inputs. Keys "msg.<key>"/"fix.<key>" are used through geo.errors.Problem.keyed. ======
STRINGS.update({
    # --- zips, KMZ, XLSX (geo.io.archives) ---
    "msg.zip_unreadable": {"es": "no es un archivo zip legible",
                           "en": "not a readable zip file"},
    "fix.zip_unreadable": {"es": "vuelva a crear el zip, o cargue el archivo mismo",
                           "en": "re-create the zip, or upload the file itself"},
    "msg.zip_too_many_members": {
        "es": "el zip contiene {n} archivos; el límite es {limit}",
        "en": "the zip holds {n} files, over the limit of {limit}"},
    "fix.zip_too_many_members": {"es": "comprima solo la capa que necesita",
                                 "en": "zip only the layer you need"},
    "msg.zip_too_big": {"es": "se descomprime en {size_mib} MiB, más que el límite de "
                              "{limit_mib} MiB",
                        "en": "unpacks to {size_mib} MiB, over the {limit_mib} MiB limit"},
    "fix.zip_too_big": {"es": "cargue un archivo más pequeño, o solo la capa que necesita",
                        "en": "upload a smaller file, or only the layer you need"},
    "msg.zip_ratio": {"es": "'{member}' se descomprime {ratio} veces su tamaño (límite "
                            "{limit}): parece una bomba zip",
                      "en": "'{member}' unpacks to {ratio} times its packed size (limit "
                            "{limit}): it looks like a zip bomb"},
    "fix.zip_ratio": {"es": "cargue el archivo sin comprimir, o vuelva a crear el zip",
                      "en": "upload the file unzipped, or re-create the zip"},
    "msg.zip_member_escapes": {"es": "el archivo '{member}' se descomprimiría fuera de su "
                                     "carpeta",
                               "en": "member '{member}' would unpack outside its folder"},
    "fix.zip_member_escapes": {"es": "vuelva a crear el zip solo con rutas relativas",
                               "en": "re-create the zip with relative paths only"},
    "msg.zip_member_forged": {"es": "el archivo '{member}' del zip es más grande de lo que "
                                    "declara",
                              "en": "zip member '{member}' is larger than it declares"},
    "fix.zip_member_forged": {"es": "vuelva a crear el zip", "en": "re-create the zip"},
    "msg.zip_member_damaged": {"es": "el zip está dañado", "en": "the zip is damaged"},
    "fix.zip_member_damaged": {"es": "descárguelo o comprímalo de nuevo",
                               "en": "download or zip it again"},
})

STRINGS.update({
    # --- vector sources and their layers (geo.io.vector) ---
    "msg.layer_not_found": {"es": "no hay una capa '{layer}' (capas: {layers})",
                            "en": "there is no layer '{layer}' (layers: {layers})"},
    "fix.layer_not_found": {"es": "elija una de las capas: {option}",
                            "en": "choose one of the layers: {option}"},
    "msg.layer_ambiguous": {
        "es": "el archivo tiene {n} capas que podrían servir y nada indica cuál usar: {layers}",
        "en": "the file holds {n} layers that could be used and nothing tells which: {layers}"},
    "fix.layer_ambiguous": {
        "es": "elija la capa: {option} en la línea de comandos, o la capa en la aplicación",
        "en": "choose the layer: {option} on the command line, or the layer in the app"},
    "msg.no_spatial_layer": {"es": "ninguna capa tiene geometría (capas: {layers})",
                             "en": "no layer has geometry (layers: {layers})"},
    "fix.no_spatial_layer": {"es": "exporte la capa con su geometría",
                             "en": "export the layer with its geometry"},
    "msg.layer_empty": {"es": "la capa no tiene elementos", "en": "the layer has no features"},
    "msg.no_layer": {"es": "el archivo no contiene ninguna capa",
                     "en": "the file holds no layer"},
    "msg.kmz_without_kml": {"es": "el KMZ no contiene ningún documento .kml",
                            "en": "the KMZ holds no .kml document"},
    "fix.kmz_without_kml": {"es": "guárdelo de nuevo desde Google Earth",
                            "en": "save it again from Google Earth"},
    "msg.zip_without_layers": {
        "es": "el zip no contiene ninguna capa: ningún archivo .shp (encontrado: {found})",
        "en": "the zip holds no layer: no .shp file (found: {found})"},
    "fix.zip_without_layers": {
        "es": "comprima el .shp junto con sus .shx, .dbf y .prj (o un .gpkg, .kml, .gdb)",
        "en": "zip the .shp together with its .shx, .dbf and .prj (or a .gpkg, .kml, .gdb)"},
    "msg.vector_unreadable": {"es": "no se puede leer como capa vectorial",
                              "en": "cannot be read as a vector layer"},
    "fix.vector_unreadable": {
        "es": "se aceptan: CSV o XLSX con columnas de coordenadas (con o sin fila HXL), "
              "GeoJSON, GeoPackage, Shapefile comprimido (.zip con .shp, .shx, .dbf, .prj), "
              "KML/KMZ, File Geodatabase (.gdb)",
        "en": "accepted: CSV or XLSX with coordinate columns (optionally with an HXL tag row), "
              "GeoJSON, GeoPackage, zipped Shapefile (.zip with .shp, .shx, .dbf, .prj), "
              "KML/KMZ, File Geodatabase (.gdb)"},
    "msg.kml_too_big": {"es": "el documento KML pesa {size_mib} MiB; el límite es {limit_mib} "
                              "MiB",
                        "en": "the KML document is {size_mib} MiB, over the {limit_mib} MiB "
                              "limit"},
    "fix.kml_too_big": {"es": "expórtelo como GeoPackage, o solo las carpetas que necesita",
                        "en": "export it as a GeoPackage, or only the folders you need"},
    "msg.shapefile_part_missing": {"es": "al shapefile le falta su parte {ext}",
                                   "en": "the shapefile lacks its {ext} part"},
    "fix.shapefile_part_missing": {"es": "añada {file} al zip", "en": "add {file} to the zip"},
    "msg.shapefile_prj_missing": {
        "es": "al shapefile le falta su parte .prj, así que su sistema de coordenadas es "
              "desconocido",
        "en": "the shapefile lacks its .prj part, so its coordinate system is unknown"},
    "fix.shapefile_prj_missing": {
        "es": "añada {file} (expórtelo de nuevo desde QGIS/ArcGIS con su SRC); Crecida no "
              "adivina sistemas de coordenadas",
        "en": "add {file} (export it again from QGIS/ArcGIS with its CRS); Crecida does not "
              "guess a coordinate system"},
    "msg.decision_layer_requested": {"es": "se leyó la capa '{layer}', la elegida",
                                     "en": "layer '{layer}' read, as chosen"},
    "msg.decision_layer_only_fit": {
        "es": "se leyó la capa '{layer}': la única cuya geometría sirve (otras: {others})",
        "en": "layer '{layer}' read: the only one whose geometry fits (others: {others})"},
    "msg.decision_layer_product": {
        "es": "se leyó la capa '{layer}' por la convención del producto ({product}); otras: "
              "{others}",
        "en": "layer '{layer}' read by the product's convention ({product}); others: {others}"},
    "msg.decision_layer_by_name": {
        "es": "se leyó la capa '{layer}' por su nombre (otras: {others})",
        "en": "layer '{layer}' read because of its name (others: {others})"},
    "msg.decision_kml_folders": {
        "es": "se leyeron juntas {n} carpetas del KML: {folders}; omitidas (otra geometría): "
              "{skipped}",
        "en": "{n} KML folders read together: {folders}; left out (other geometry): "
              "{skipped}"},
})

STRINGS.update({
    # --- coordinate systems and geometries (geo.io.geometry) ---
    "msg.decision_crs_transformed": {
        "es": "coordenadas transformadas de {crs} a WGS84 (EPSG:4326) con: {operation} "
              "(exactitud {accuracy} m)",
        "en": "coordinates transformed from {crs} to WGS84 (EPSG:4326) with: {operation} "
              "(accuracy {accuracy} m)"},
    "msg.decision_crs_ballpark": {
        "es": "coordenadas de {crs} pasadas a WGS84 SIN cambio de datum conocido ({operation}): "
              "las posiciones pueden estar desplazadas cientos de metros",
        "en": "coordinates of {crs} taken to WGS84 WITHOUT a known datum shift ({operation}): "
              "positions may be off by hundreds of metres"},
    "fix.decision_crs_ballpark": {
        "es": "reproyecte la capa a WGS84 en QGIS eligiendo la transformación de datum",
        "en": "reproject the layer to WGS84 in QGIS, choosing the datum transformation"},
    "msg.geometry_missing": {"es": "elementos sin geometría (filas {rows})",
                             "en": "features without a geometry (rows {rows})"},
    "fix.geometry_missing": {"es": "dibuje su ubicación o quite esas filas",
                             "en": "draw their location or remove those rows"},
    "msg.geometry_no_area": {
        "es": "polígonos sin área una vez reparados (filas {rows}): quedarían fuera de todo "
              "resultado",
        "en": "polygons with no area once repaired (rows {rows}): they would drop out of every "
              "result"},
    "fix.geometry_no_area": {"es": "redibuje esos polígonos", "en": "draw those polygons again"},
    "msg.geometry_missing_dropped": {
        "es": "{n} elementos sin geometría omitidos (filas {rows})",
        "en": "{n} features without a geometry left out (rows {rows})"},
})

STRINGS.update({
    # --- tables and workbooks (geo.io.tables, geo.io.columns) ---
    "msg.xls_not_supported": {
        "es": "los libros de Excel en el formato antiguo (.xls) no se pueden leer",
        "en": "workbooks in Excel's old format (.xls) cannot be read"},
    "fix.xls_not_supported": {
        "es": "guárdelo como .xlsx (Excel: Archivo > Guardar como > Libro de Excel) o como CSV",
        "en": "save it as .xlsx (Excel: File > Save as > Excel Workbook) or as CSV"},
    "msg.table_unreadable": {"es": "no se puede leer como tabla",
                             "en": "cannot be read as a table"},
    "fix.table_unreadable": {
        "es": "revise el archivo; se aceptan: CSV o XLSX con columnas de coordenadas (con o "
              "sin fila HXL), GeoJSON, GeoPackage, Shapefile comprimido, KML/KMZ",
        "en": "check the file; accepted: CSV or XLSX with coordinate columns (optionally with "
              "an HXL tag row), GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ"},
    "msg.table_no_rows": {"es": "la tabla tiene encabezado pero ninguna fila de datos",
                          "en": "the table has a header but no data rows"},
    "fix.table_no_rows": {"es": "añada una fila por sitio debajo del encabezado",
                          "en": "add one row per site below the header"},
    "msg.table_hxl_no_rows": {
        "es": "la tabla tiene encabezados y etiquetas HXL pero ninguna fila de datos",
        "en": "the table has headers and HXL tags but no data rows"},
    "msg.sheet_not_found": {"es": "no hay una hoja '{sheet}' (hojas: {sheets})",
                            "en": "there is no sheet '{sheet}' (sheets: {sheets})"},
    "fix.sheet_not_found": {"es": "elija una hoja: ARCHIVO.xlsx:HOJA",
                            "en": "choose a sheet: FILE.xlsx:SHEET"},
    "msg.sheet_ambiguous": {"es": "varias hojas tienen sitios con coordenadas: {sheets}",
                            "en": "several sheets hold sites with coordinates: {sheets}"},
    "fix.sheet_ambiguous": {
        "es": "elija la hoja: ARCHIVO.xlsx:HOJA en la línea de comandos, o la hoja en la "
              "aplicación",
        "en": "choose the sheet: FILE.xlsx:SHEET on the command line, or the sheet in the app"},
    "msg.formulas_without_values": {
        "es": "celdas con fórmulas sin valor guardado en la hoja '{sheet}': {cells} (el libro "
              "lo escribió un programa que no calcula fórmulas)",
        "en": "formula cells without a saved value on sheet '{sheet}': {cells} (the workbook "
              "was written by a program that does not compute formulas)"},
    "fix.formulas_without_values": {
        "es": "abra el libro en Excel o LibreOffice y guárdelo de nuevo, o escriba los valores",
        "en": "open the workbook in Excel or LibreOffice and save it again, or type the "
              "values"},
    "msg.decision_sheet": {"es": "se leyó la hoja '{sheet}' (otras hojas: {others})",
                           "en": "sheet '{sheet}' read (other sheets: {others})"},
    "msg.decision_header_row": {
        "es": "encabezados en la fila {line}; lo que hay encima se omitió: {skipped}",
        "en": "headers found on row {line}; what is above was left out: {skipped}"},
    "msg.decision_columns_without_header": {
        "es": "columnas sin encabezado omitidas (columnas {columns})",
        "en": "columns without a header left out (columns {columns})"},
    "msg.hxl_contradicts_header": {
        "es": "la etiqueta HXL {tag} dice '{meaning}' pero el encabezado dice '{header}': "
              "vale la etiqueta HXL",
        "en": "the HXL tag {tag} says '{meaning}' but the header says '{header}': the HXL tag "
              "is used"},
    "fix.hxl_contradicts_header": {"es": "corrija el encabezado o la etiqueta",
                                   "en": "correct the header or the tag"},
})

STRINGS.update({
    # --- cell values (geo.io.validate) ---
    "msg.number_not_finite": {"es": "'{value}' no es un número finito",
                              "en": "'{value}' is not a finite number"},
    "fix.number_not_finite": {"es": "escriba un número simple", "en": "write a plain number"},
    "msg.number_absurd": {"es": "'{value}' es un número absurdo aquí (más de {limit})",
                          "en": "'{value}' is an absurd number here (more than {limit})"},
    "fix.number_absurd": {"es": "corrija la celda", "en": "correct the cell"},
    "msg.number_style_mixed": {
        "es": "la columna mezcla números al estilo español (1.200,5) e inglés (1,200.5)",
        "en": "the column mixes Spanish (1.200,5) and English (1,200.5) number formats"},
    "fix.number_style_mixed": {"es": "use un solo formato en la columna",
                               "en": "use one format in the column"},
    "msg.decision_thousands": {
        "es": "'{example}' se leyó como {value} (separador de miles: una cantidad no lleva "
              "decimales así)",
        "en": "'{example}' read as {value} (thousands separator: a quantity is not written "
              "with such decimals)"},
    "msg.decision_number_style_es": {
        "es": "números con formato español (punto de miles, coma decimal)",
        "en": "numbers in Spanish format (dot for thousands, decimal comma)"},
    "msg.decision_number_style_en": {
        "es": "números con formato inglés (coma de miles, punto decimal)",
        "en": "numbers in English format (comma for thousands, decimal point)"},
    "msg.no_lat_lon_columns": {
        "es": "no hay columna de latitud ni de longitud (columnas encontradas: {found})",
        "en": "no latitude and no longitude column (columns found: {found})"},
    "msg.no_lat_column": {"es": "no hay columna de latitud (columnas encontradas: {found})",
                          "en": "no latitude column (columns found: {found})"},
    "msg.no_lon_column": {"es": "no hay columna de longitud (columnas encontradas: {found})",
                          "en": "no longitude column (columns found: {found})"},
    "fix.no_lat_column": {
        "es": "llámelas lat/lon, latitud/longitud, latitude/longitude o y/x, o etiquételas "
              "#geo+lat/#geo+lon en una fila HXL",
        "en": "name them lat/lon, latitud/longitud, latitude/longitude or y/x, or tag them "
              "#geo+lat/#geo+lon in an HXL row"},
    "fix.no_lon_column": {
        "es": "llámelas lat/lon, latitud/longitud, latitude/longitude o y/x, o etiquételas "
              "#geo+lat/#geo+lon en una fila HXL",
        "en": "name them lat/lon, latitud/longitud, latitude/longitude or y/x, or tag them "
              "#geo+lat/#geo+lon in an HXL row"},
    "fix.no_lat_lon_columns": {
        "es": "llámelas lat/lon, latitud/longitud, latitude/longitude o y/x, o etiquételas "
              "#geo+lat/#geo+lon en una fila HXL",
        "en": "name them lat/lon, latitud/longitud, latitude/longitude or y/x, or tag them "
              "#geo+lat/#geo+lon in an HXL row"},
    "msg.latitude_out_of_range": {"es": "la latitud {value} está fuera de −90…90",
                                  "en": "latitude {value} is outside −90…90"},
    "fix.latitude_out_of_range": {"es": "dé grados en WGS84 (p. ej. −3.7481)",
                                  "en": "give degrees in WGS84 (e.g. −3.7481)"},
    "msg.longitude_out_of_range": {"es": "la longitud {value} está fuera de −180…180",
                                   "en": "longitude {value} is outside −180…180"},
    "fix.longitude_out_of_range": {"es": "dé grados en WGS84 (p. ej. −73.2529)",
                                   "en": "give degrees in WGS84 (e.g. −73.2529)"},
    "msg.coordinates_projected": {
        "es": "las coordenadas parecen metros de un sistema proyectado, no grados",
        "en": "the coordinates look like metres in a projected system, not degrees"},
    "fix.coordinates_projected": {
        "es": "dé latitud/longitud WGS84 en grados, o un GeoPackage/Shapefile que lleve su "
              "sistema de coordenadas",
        "en": "give WGS84 latitude/longitude in degrees, or a GeoPackage/Shapefile that "
              "carries its coordinate system"},
    "msg.coordinates_swapped": {
        "es": "las columnas de latitud y longitud están intercambiadas: los valores "
              "intercambiados caen en el área de estudio y los dados no; corregido — revise "
              "los encabezados del archivo",
        "en": "latitude and longitude columns are swapped: the swapped values fall in the "
              "study area and the given ones do not; corrected — check the file's column "
              "headers"},
    "msg.coordinates_swapped_rows": {
        "es": "latitud y longitud intercambiadas en las filas {rows}: los valores "
              "intercambiados caen en el área de estudio y los dados no; corregido — revise "
              "los encabezados del archivo",
        "en": "latitude and longitude swapped in rows {rows}: the swapped values fall in the "
              "study area and the given ones do not; corrected — check the file's column "
              "headers"},
    "msg.points_outside_study_area": {
        "es": "{n} punto(s) muy fuera del área de estudio (filas {rows}): se conservan "
              "marcados en 'outside_study_area'",
        "en": "{n} point(s) far outside the study area (rows {rows}): kept and flagged in "
              "'outside_study_area'"},
    "msg.negative": {"es": "{value} es negativo", "en": "{value} is negative"},
    "fix.negative": {"es": "dé cero o un número positivo", "en": "give zero or a positive number"},
    "msg.not_whole": {"es": "{value} no es un número entero",
                      "en": "{value} is not a whole number"},
    "fix.not_whole": {"es": "dé un conteo", "en": "give a count"},
    "msg.counts_no_columns": {"es": "no hay columna {people} ni {groups}",
                              "en": "no {people} and no {groups} column"},
    "fix.counts_no_columns": {"es": "añada una columna '{people}' (o '{groups}')",
                              "en": "add a '{people}' (or '{groups}') column"},
    "msg.counts_absent_zero": {"es": "no hay columnas {people}/{groups}: se toman como 0",
                               "en": "no {people}/{groups} columns: taken as 0"},
    "msg.counts_both_missing": {"es": "faltan {people} y {groups}",
                                "en": "both {people} and {groups} are missing"},
    "fix.counts_both_missing": {"es": "dé al menos {people}", "en": "give at least {people}"},
    "msg.counts_missing_zero": {"es": "faltan {people}/{groups} en {n} fila(s): se toman como 0",
                                "en": "{people}/{groups} missing in {n} row(s): taken as 0"},
    "msg.people_estimated": {"es": "{people} de {n} fila(s) estimado como {groups} × {ppf}",
                             "en": "{people} of {n} row(s) estimated as {groups} × {ppf}"},
    "msg.groups_estimated": {
        "es": "{groups} de {n} fila(s) estimado como {people} / {ppf}, redondeado hacia arriba",
        "en": "{groups} of {n} row(s) estimated as {people} / {ppf}, rounded up"},
})

STRINGS.update({
    # --- readers (geo.io.readers) ---
    "msg.file_not_found": {"es": "no se encontró el archivo", "en": "file not found"},
    "msg.file_empty": {"es": "el archivo está vacío", "en": "the file is empty"},
    "fix.file_empty": {
        "es": "dé un archivo con datos; se aceptan: CSV o XLSX con columnas de coordenadas, "
              "GeoJSON, GeoPackage, Shapefile comprimido, KML/KMZ",
        "en": "give a file with data; accepted: CSV or XLSX with coordinate columns, GeoJSON, "
              "GeoPackage, zipped Shapefile, KML/KMZ"},
    "msg.unsupported_type": {"es": "tipo de archivo no admitido '{suffix}'",
                             "en": "unsupported file type '{suffix}'"},
    "fix.unsupported_type": {
        "es": "se aceptan: CSV o XLSX con columnas de coordenadas (con o sin fila HXL), "
              "GeoJSON, GeoPackage, Shapefile comprimido (.zip), KML/KMZ, File Geodatabase",
        "en": "accepted: CSV or XLSX with coordinate columns (optionally with an HXL tag row), "
              "GeoJSON, GeoPackage, zipped Shapefile (.zip), KML/KMZ, File Geodatabase"},
    "msg.communities_mixed": {"es": "la capa mezcla puntos y polígonos",
                              "en": "the layer mixes points and polygons"},
    "fix.communities_mixed": {
        "es": "dé polígonos de comunidades o puntos de comunidades, no ambos",
        "en": "give either community polygons or community points, not both"},
    "msg.boundaries_derived": {
        "es": "límites derivados de {n} puntos (celdas de Voronoi recortadas al área de "
              "estudio y a {radius_m} m de su punto), marcados en 'derived_boundary'",
        "en": "boundaries derived from {n} points (Voronoi cells clipped to the study area "
              "and to {radius_m} m from their point) and flagged in 'derived_boundary'"},
    "msg.capacity_from_area": {
        "es": "capacidad de {n} albergue(s) calculada como área techada / {m2_per_person} m² "
              "por persona (Esfera)",
        "en": "capacity of {n} centre(s) computed as covered area / {m2_per_person} m² per "
              "person (Sphere)"},
})

STRINGS.update({
    # --- notes and problems of the readers still in English before (geo.io, geo.raster,
    # --- geo.flood, geo.inputs) ---
    # ids (geo.io.validate.make_ids)
    "msg.ids_generated": {
        "es": "{n} código(s) faltante(s) generado(s) a partir del número de fila",
        "en": "{n} missing id(s) generated from the row number"},
    "msg.ids_made_unique": {"es": "códigos repetidos hechos únicos: {renamed}",
                            "en": "duplicate id(s) made unique: {renamed}"},
    # categories (geo.io.validate.parse_categories): the words a planner may write
    "msg.status_column_absent": {
        "es": "no hay columna de estado: todas las filas se toman como 'abierto'",
        "en": "no 'status' column: every row taken as 'open'"},
    "msg.kind_column_absent": {
        "es": "no hay columna de tipo: todas las filas se toman como 'otro'",
        "en": "no 'kind' column: every row taken as 'other'"},
    "msg.status_unknown": {"es": "estado desconocido '{value}'",
                           "en": "unknown status '{value}'"},
    "fix.status_unknown": {
        "es": "use uno de: abierto, cerrado, propuesto",
        "en": "use one of: open, closed, proposed (or in Spanish)"},
    "msg.kind_unknown": {"es": "tipo desconocido '{value}'", "en": "unknown kind '{value}'"},
    "fix.kind_unknown": {
        "es": "use uno de: colegio, iglesia, local comunal, coliseo, campamento, otro",
        "en": "use one of: school, church, community hall, coliseum, tent camp, other (or in "
              "Spanish)"},
    "msg.status_values_unknown": {
        "es": "estado(s) desconocido(s) {values}: se toman como 'abierto' (se aceptan: "
              "abierto, cerrado, propuesto)",
        "en": "unknown status value(s) {values} taken as 'open' (accepted: open, closed, "
              "proposed, or in Spanish)"},
    "msg.kind_values_unknown": {
        "es": "tipo(s) desconocido(s) {values}: se toman como 'otro' (se aceptan: colegio, "
              "iglesia, local comunal, coliseo, campamento, otro)",
        "en": "unknown kind value(s) {values} taken as 'other' (accepted: school, church, "
              "community hall, coliseum, tent camp, other, or in Spanish)"},
    # count columns a file lacks, named in the reader's words (geo.io.validate.parse_counts)
    "column.persons": {"es": "personas", "en": "persons"},
    "column.families": {"es": "familias", "en": "families"},
    "column.population": {"es": "población", "en": "population"},
    "column.households": {"es": "hogares", "en": "households"},
    # geometries (geo.io.geometry)
    "geometry.points": {"es": "puntos", "en": "points"},
    "geometry.multipoints": {"es": "multipuntos", "en": "multipoints"},
    "geometry.lines": {"es": "líneas", "en": "lines"},
    "geometry.multilines": {"es": "multilíneas", "en": "multilines"},
    "geometry.polygons": {"es": "polígonos", "en": "polygons"},
    "geometry.multipolygons": {"es": "multipolígonos", "en": "multipolygons"},
    "geometry.collections": {"es": "colecciones de geometrías", "en": "geometry collections"},
    "msg.geometry_type_centres": {
        "es": "los albergues deben ser puntos, pero la capa tiene {found} (filas {rows})",
        "en": "centres must be points, but the layer has {found} (rows {rows})"},
    "fix.geometry_type_centres": {
        "es": "dé una capa de albergues con geometrías Point (puntos)",
        "en": "give a centres layer of Point geometries"},
    "msg.geometry_type_communities": {
        "es": "las comunidades deben ser polígonos, multipolígonos o puntos, pero la capa "
              "tiene {found} (filas {rows})",
        "en": "communities must be polygons or multipolygons or points, but the layer has "
              "{found} (rows {rows})"},
    "fix.geometry_type_communities": {
        "es": "dé una capa de comunidades con geometrías Polygon, MultiPolygon o Point",
        "en": "give a communities layer of Polygon or MultiPolygon or Point geometries"},
    "msg.geometry_type_districts": {
        "es": "los distritos deben ser polígonos o multipolígonos, pero la capa tiene {found} "
              "(filas {rows})",
        "en": "districts must be polygons or multipolygons, but the layer has {found} "
              "(rows {rows})"},
    "fix.geometry_type_districts": {
        "es": "dé una capa de distritos con geometrías Polygon o MultiPolygon",
        "en": "give a districts layer of Polygon or MultiPolygon geometries"},
    "msg.geometry_type_rivers": {
        "es": "los ríos deben ser líneas, multilíneas, polígonos o multipolígonos, pero la "
              "capa tiene {found} (filas {rows})",
        "en": "rivers must be lines or multilines or polygons or multipolygons, but the layer "
              "has {found} (rows {rows})"},
    "fix.geometry_type_rivers": {
        "es": "dé una capa de ríos con geometrías LineString, MultiLineString, Polygon o "
              "MultiPolygon",
        "en": "give a rivers layer of LineString or MultiLineString or Polygon or MultiPolygon "
              "geometries"},
    "msg.geometry_type_flood_extent": {
        "es": "la zona inundada debe ser polígonos o multipolígonos, pero la capa tiene "
              "{found} (filas {rows})",
        "en": "the flood extent must be polygons or multipolygons, but the layer has {found} "
              "(rows {rows})"},
    "fix.geometry_type_flood_extent": {
        "es": "dé una capa de polígonos (Polygon o MultiPolygon)",
        "en": "give a layer of Polygon or MultiPolygon geometries"},
    "msg.geometry_type_points": {
        "es": "la capa debe tener puntos, pero tiene {found} (filas {rows})",
        "en": "the layer must hold points, but it has {found} (rows {rows})"},
    "fix.geometry_type_points": {"es": "dé una capa de puntos (Point)",
                                 "en": "give a layer of Point geometries"},
    "msg.vector_no_crs": {"es": "la capa no tiene sistema de coordenadas de referencia",
                          "en": "the layer has no coordinate reference system"},
    "fix.vector_no_crs": {
        "es": "guárdela de nuevo con su sistema de coordenadas (p. ej. EPSG:4326 o EPSG:32718)",
        "en": "save it again with its CRS (e.g. EPSG:4326 or EPSG:32718)"},
    "msg.geometries_repaired": {
        "es": "{n} geometría(s) no válida(s) reparada(s) con make_valid (filas {rows})",
        "en": "{n} invalid geometry(ies) repaired with make_valid (rows {rows})"},
    # tables (geo.io.tables)
    "msg.table_not_workbook": {
        "es": "no se puede leer como tabla: no es un libro de Excel",
        "en": "cannot be read as a table: not an Excel workbook"},
    "fix.table_not_workbook": {
        "es": "guárdelo de nuevo desde Excel como .xlsx o CSV; se aceptan: CSV o XLSX con "
              "columnas de coordenadas, GeoJSON, GeoPackage, Shapefile comprimido, KML/KMZ",
        "en": "save it again from Excel as .xlsx or CSV; accepted: CSV or XLSX with coordinate "
              "columns, GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ"},
    # writing (geo.io.write)
    "msg.gpkg_name_required": {"es": "'{name}' no es un nombre de GeoPackage",
                               "en": "'{name}' is not a GeoPackage name"},
    "fix.gpkg_name_required": {"es": "dé una ruta de salida que termine en .gpkg",
                               "en": "give an output path ending in .gpkg"},
    # rasters (geo.raster)
    "msg.raster_no_bands": {"es": "el ráster no tiene bandas", "en": "the raster has no bands"},
    "msg.raster_unreadable": {"es": "no se puede leer como ráster",
                              "en": "cannot be read as a raster"},
    "fix.raster_unreadable": {
        "es": "dé un GeoTIFF/COG (.tif) u otro ráster de una sola banda que GDAL lea",
        "en": "give a GeoTIFF/COG (.tif), or another single-band raster GDAL reads"},
    "msg.raster_no_crs": {"es": "el ráster no tiene sistema de coordenadas de referencia",
                          "en": "the raster has no coordinate reference system"},
    "fix.raster_no_crs": {
        "es": "asígnele uno, p. ej. gdal_edit.py -a_srs EPSG:32718 ARCHIVO.tif",
        "en": "assign one, e.g. gdal_edit.py -a_srs EPSG:32718 FILE.tif"},
    # flood scenarios (geo.flood): what was assumed on the way in
    "msg.flood_kind_guessed": {"es": "tipo de inundación deducido: '{kind}'",
                               "en": "kind guessed as '{kind}'"},
    "msg.flood_no_nodata": {
        "es": "el ráster no define nodata: todas las celdas se toman como observadas",
        "en": "the raster sets no nodata value: every cell is taken as observed"},
    "msg.flood_warped_onto_dem": {
        "es": "nivel del agua remuestreado (bilineal) a la grilla del MDE {dem}",
        "en": "water level warped (bilinear) onto the DEM grid of {dem}"},
    "msg.flood_rasterised": {
        "es": "rasterizado desde {file} en celdas de {cells} (centro de la celda dentro de un "
              "polígono = agua)",
        "en": "rasterised from {file} at {cells} cells (cell centre in polygon = water)"},
    # the session (geo.inputs)
    "msg.no_flood_loaded": {"es": "no hay ningún escenario de inundación cargado",
                            "en": "no flood scenario is loaded"},
    "msg.scenario_not_found": {"es": "no hay un escenario llamado '{name}'",
                               "en": "no scenario named '{name}'"},
    "fix.scenario_not_found": {"es": "elija uno de: {names}", "en": "choose one of: {names}"},
    "msg.sample_missing": {"es": "falta la muestra incluida",
                           "en": "the bundled sample is missing"},
    "fix.sample_missing": {
        "es": "vuelva a generarla con: python sample_data/build_sample.py",
        "en": "regenerate it with: python sample_data/build_sample.py"},
    "msg.layers_do_not_overlap": {
        "es": "el ráster de inundación {raster} y las capas vectoriales ({layers}) no se "
              "superponen (todo en {crs})",
        "en": "the flood raster {raster} and the vector layers ({layers}) do not overlap "
              "(all in {crs})"},
    "fix.layers_do_not_overlap": {
        "es": "revise que el ráster de inundación y los sitios cubran la misma zona y que el "
              "sistema de coordenadas de cada archivo esté bien declarado",
        "en": "check that the flood raster and the sites cover the same area and that each "
              "file's coordinate system is declared correctly"},
})

STRINGS.update({
    # --- rasters (geo.raster) ---
    "msg.raster_bands": {"es": "el ráster tiene {n} bandas; se necesita una sola banda de "
                               "valores",
                         "en": "the raster has {n} bands; one band of values is needed"},
    "fix.raster_bands": {"es": "exporte solo la banda con los valores (p. ej. gdal_translate "
                               "-b 1)",
                         "en": "export only the band with the values (e.g. gdal_translate "
                               "-b 1)"},
    "msg.raster_bands_picture": {
        "es": "el ráster tiene {n} bandas de color: es una imagen, no una grilla de valores",
        "en": "the raster has {n} colour bands: it is a picture, not a grid of values"},
    "fix.raster_bands_picture": {
        "es": "dé el GeoTIFF de datos (profundidad, máscara 0/1 o nivel), no el mapa "
              "coloreado",
        "en": "give the data GeoTIFF (depth, 0/1 mask or level), not the coloured map"},
    "msg.raster_truncated": {
        "es": "el archivo está incompleto: pesa {size_mib} MiB pero sus datos llegan hasta "
              "{needed_mib} MiB (¿una descarga interrumpida?)",
        "en": "the file is cut short: it is {size_mib} MiB but its data reach {needed_mib} MiB "
              "(an interrupted download?)"},
    "fix.raster_truncated": {"es": "descárguelo de nuevo", "en": "download it again"},
    "msg.raster_read_failed": {
        "es": "no se pudieron leer los datos del ráster: el archivo está dañado",
        "en": "the raster's data could not be read: the file is damaged"},
    "fix.raster_read_failed": {"es": "descárguelo o expórtelo de nuevo",
                               "en": "download or export it again"},
    "msg.mask_other_grid": {"es": "la máscara no está en la grilla de {flood}",
                            "en": "the mask is not on the grid of {flood}"},
    "fix.mask_other_grid": {"es": "dé la máscara de la misma tesela y fecha",
                            "en": "give the mask of the same tile and date"},
    # --- flood scenarios (geo.flood) ---
    "msg.flood_kind_unknown": {"es": "tipo de inundación desconocido '{value}'",
                               "en": "unknown flood kind '{value}'"},
    "fix.flood_kind_unknown": {"es": "use uno de: {allowed}", "en": "use one of: {allowed}"},
    "msg.nodata_means_unknown": {"es": "significado de nodata desconocido '{value}'",
                                 "en": "unknown nodata meaning '{value}'"},
    "fix.nodata_means_unknown": {"es": "use uno de: {allowed}", "en": "use one of: {allowed}"},
    "msg.depth_unit_unknown": {"es": "unidad de profundidad desconocida '{value}'",
                               "en": "unknown depth unit '{value}'"},
    "fix.depth_unit_unknown": {"es": "use uno de: {allowed}", "en": "use one of: {allowed}"},
    "msg.decision_kind_tag": {"es": "tipo '{kind}' según la etiqueta CRECIDA_KIND del archivo",
                              "en": "kind '{kind}' from the file's CRECIDA_KIND tag"},
    "msg.decision_kind_values": {
        "es": "tipo '{kind}' deducido de los valores (elíjalo con --flood-kind NOMBRE=TIPO)",
        "en": "kind '{kind}' guessed from the values (set it with --flood-kind NAME=KIND)"},
    "msg.decision_kind_name": {
        "es": "tipo '{kind}' deducido del nombre del archivo: los valores no permiten decidir",
        "en": "kind '{kind}' guessed from the file name: the values cannot tell"},
    "msg.decision_kind_default": {"es": "tipo '{kind}' por omisión: el ráster no tiene valores",
                                  "en": "kind '{kind}' by default: the raster has no values"},
    "msg.decision_kind_product": {
        "es": "tipo '{kind}': producto GFM de Copernicus (máscara 0/1)",
        "en": "kind '{kind}': a Copernicus GFM product (0/1 mask)"},
    "msg.decision_no_nodata": {
        "es": "el ráster no define nodata: todas las celdas se toman como observadas",
        "en": "the raster sets no nodata value: every cell is taken as observed"},
    "msg.decision_depth_cm": {
        "es": "profundidad en centímetros: ráster entero ({dtype}) con valores hasta "
              "{deepest}, más que {limit} m; dividido entre 100 (elíjalo con --depth-unit)",
        "en": "depth in centimetres: an integer raster ({dtype}) with values up to {deepest}, "
              "more than {limit} m; divided by 100 (set it with --depth-unit)"},
    "msg.decision_depth_unit_given": {"es": "profundidad en {unit}, como se indicó",
                                      "en": "depth in {unit}, as given"},
    "msg.depth_implausible": {
        "es": "profundidades de hasta {deepest} m no son creíbles (más de {limit} m)",
        "en": "depths up to {deepest} m are implausible (more than {limit} m)"},
    "fix.depth_implausible": {
        "es": "si es un nivel del agua (m s. n. m.) use --flood-kind NOMBRE=water_level con "
              "--dem; si son centímetros, --depth-unit NOMBRE=cm; si no, revise el nodata",
        "en": "if it is a water level (m a.s.l.) use --flood-kind NAME=water_level with --dem; "
              "if centimetres, --depth-unit NAME=cm; otherwise check its nodata value"},
    "msg.decision_nodata_unobserved_given": {"es": "nodata = no observado, como se indicó",
                                             "en": "nodata = not observed, as given"},
    "msg.decision_nodata_dry_given": {"es": "nodata = seco, como se indicó",
                                      "en": "nodata = dry, as given"},
    "msg.decision_nodata_gfm": {
        "es": "nodata ({nodata}) = no observado: fuera de la pasada del radar (GFM)",
        "en": "nodata ({nodata}) = not observed: outside the radar pass (GFM)"},
    "msg.decision_nodata_jrc": {
        "es": "nodata ({nodata}) = seco: en los mapas de peligro JRC/GloFAS las celdas secas no "
              "tienen dato (elíjalo con --nodata-means)",
        "en": "nodata ({nodata}) = dry: JRC/GloFAS hazard maps leave dry cells empty (set it "
              "with --nodata-means)"},
    "msg.decision_nodata_mask_nodata_0": {
        "es": "nodata ({nodata}) = seco: máscara exportada con selfMask() o SNAP, donde 0 es "
              "seco (elíjalo con --nodata-means)",
        "en": "nodata ({nodata}) = dry: a mask exported with selfMask() or SNAP, where 0 is "
              "dry (set it with --nodata-means)"},
    "msg.decision_nodata_mask_only_water": {
        "es": "nodata ({nodata}) = seco: la máscara solo tiene celdas de agua (elíjalo con "
              "--nodata-means)",
        "en": "nodata ({nodata}) = dry: the mask holds nothing but water cells (set it with "
              "--nodata-means)"},
    "msg.decision_nodata_depth_no_dry_cell": {
        "es": "nodata ({nodata}) = seco: la profundidad no tiene ni una celda seca (0), como "
              "en los mapas de peligro (elíjalo con --nodata-means)",
        "en": "nodata ({nodata}) = dry: the depth has not a single dry (0) cell, as in hazard "
              "maps (set it with --nodata-means)"},
    "msg.decision_nodata_default": {
        "es": "nodata ({nodata}) = no observado (elíjalo con --nodata-means)",
        "en": "nodata ({nodata}) = not observed (set it with --nodata-means)"},
    "msg.decision_exclusion_given": {"es": "máscara de exclusión {mask}: no observado donde no "
                                           "es 0",
                                     "en": "exclusion mask {mask}: not observed where it is "
                                           "not 0"},
    "msg.decision_exclusion_found": {
        "es": "máscara de exclusión GFM {mask} junto al archivo: allí (zonas urbanas, sombra "
              "de radar) no se observó nada",
        "en": "GFM exclusion mask {mask} next to the file: nothing was observed there (urban "
              "areas, radar shadow)"},
    "msg.decision_exclusion_missing": {
        "es": "AVISO: no hay máscara de exclusión GFM junto al archivo: zonas urbanas y sombra "
              "de radar se leen como observadas (secas)",
        "en": "WARNING: no GFM exclusion mask next to the file: urban areas and radar shadow "
              "are read as observed (dry)"},
    "fix.decision_exclusion_missing": {
        "es": "ponga el EXCLUSION_MASK (ENSEMBLE_EXCLAYER) en la misma carpeta, o use "
              "--observed",
        "en": "put the EXCLUSION_MASK (ENSEMBLE_EXCLAYER) in the same folder, or use "
              "--observed"},
    "msg.observed_raster_too_big": {
        "es": "el ráster es demasiado grande para recortarlo a un área observada",
        "en": "the raster is too large to cut to an observed area"},
    "msg.decision_observed_polygon": {
        "es": "área observada dada: {share} % del ráster; fuera de ella, no observado",
        "en": "observed area given: {share} % of the raster; outside it, not observed"},
    "msg.water_level_needs_dem": {
        "es": "un ráster de nivel del agua necesita un MDE para convertir niveles en "
              "profundidades",
        "en": "a water-level raster needs a DEM to turn levels into depths"},
    "fix.water_level_needs_dem": {"es": "dé el MDE con --dem RUTA (misma zona, metros)",
                                  "en": "give the DEM with --dem PATH (same area, metres)"},
    "msg.decision_warped_onto_dem": {
        "es": "nivel del agua remuestreado (bilineal) a la grilla del MDE {dem}",
        "en": "water level warped (bilinear) onto the DEM grid of {dem}"},
    "msg.decision_dem_voids_water": {
        "es": "huecos del MDE {dem} (−32768, como en SRTM) bajo el nivel del agua: agua de "
              "profundidad desconocida",
        "en": "voids of the DEM {dem} (−32768, as in SRTM) under the water level: water of "
              "unknown depth"},
    "msg.flood_layer_no_polygons": {"es": "la capa de inundación no tiene polígonos",
                                    "en": "the flood layer has no polygons"},
    "msg.decision_vector_coarsened": {
        "es": "área grande: rasterizada con celdas de {cell_m} m",
        "en": "large area: rasterised with {cell_m} m cells"},
    "msg.vector_flood_too_big": {"es": "rasterizarla daría {cells} celdas, demasiadas",
                                 "en": "rasterising it would give {cells} cells, too many"},
    "fix.vector_flood_too_big": {"es": "dé un MDE más grueso o recorte el área",
                                 "en": "give a coarser DEM or cut the area"},
    "msg.decision_observed_bbox": {
        "es": "AVISO: sin área observada: el rectángulo que envuelve los polígonos se toma como "
              "observado (seco fuera de ellos)",
        "en": "WARNING: no observed area: the rectangle around the polygons is taken as "
              "observed (dry outside them)"},
    "fix.decision_observed_bbox": {
        "es": "dé el área de interés o de análisis con --observed NOMBRE=RUTA",
        "en": "give the area of interest or analysis extent with --observed NAME=PATH"},
    "msg.decision_rasterised": {
        "es": "rasterizado con celdas de {cells} (grilla: {grid}; celda con centro en un "
              "polígono = agua)",
        "en": "rasterised at {cells} cells (grid: {grid}; cell centre in a polygon = water)"},
    "msg.option_not_for_vector": {"es": "{options} no se aplica a una extensión vectorial",
                                  "en": "{options} does not apply to a vector extent"},
    "fix.option_not_for_vector": {"es": "quite la opción, o use --flood-classes",
                                  "en": "leave the option out, or use --flood-classes"},
    "msg.option_not_for_raster": {"es": "{options} solo se aplica a extensiones vectoriales",
                                  "en": "{options} only applies to vector extents"},
    "fix.option_not_for_raster": {"es": "quite la opción", "en": "leave the option out"},
    # --- vector flood products (geo.io.products) ---
    "msg.flood_class_unknown": {"es": "clase desconocida: {classes}",
                                "en": "unknown class: {classes}"},
    "fix.flood_class_unknown": {"es": "use: {known}", "en": "use: {known}"},
    "msg.decision_observed_given": {"es": "área observada: {layer} ({area_km2} km²)",
                                    "en": "observed area: {layer} ({area_km2} km²)"},
    "msg.decision_no_flood_polygons": {
        "es": "ningún polígono cuenta como inundación: todo lo observado está seco",
        "en": "no polygon counts as flood: everything observed is dry"},
    "msg.decision_all_polygons_water": {
        "es": "sin columna de clases conocida: los {n} polígonos se toman como agua",
        "en": "no known class column: all {n} polygons taken as water"},
    "msg.decision_ems_unclassified": {
        "es": "{n} polígono(s) sin 'notation' ni 'obj_desc' tomados como zona inundada",
        "en": "{n} polygon(s) without 'notation' or 'obj_desc' taken as flooded area"},
    "msg.decision_unosat_other_codes": {
        "es": "valores de {column} que Crecida no conoce ({codes}): no cuentan como inundación "
              "y se leen como no observados",
        "en": "{column} values Crecida does not know ({codes}): not counted as flood, read as "
              "not observed"},
    "msg.decision_observed_missing": {
        "es": "AVISO: el paquete ({product}) no trae área de interés ni de análisis",
        "en": "WARNING: the package ({product}) holds no area of interest or analysis extent"},
    "fix.decision_observed_missing": {"es": "dé el área con --observed NOMBRE=RUTA",
                                      "en": "give it with --observed NAME=PATH"},
    "msg.decision_observed_package": {
        "es": "área observada: {layers} ({area_km2} km²); fuera de ella, no observado",
        "en": "observed area: {layers} ({area_km2} km²); outside it, not observed"},
    "msg.decision_observed_package_minus": {
        "es": "área observada: {layers} menos {removed} ({area_km2} km²); fuera de ella, no "
              "observado",
        "en": "observed area: {layers} minus {removed} ({area_km2} km²); outside it, not "
              "observed"},
    "msg.decision_class_counted": {
        "es": "clase '{flood_class}': {n} polígono(s), {area_ha} ha, cuentan como inundación",
        "en": "class '{flood_class}': {n} polygon(s), {area_ha} ha, counted as flood"},
    "msg.decision_class_dry": {
        "es": "clase '{flood_class}': {n} polígono(s), {area_ha} ha, NO cuentan como inundación "
              "(se leen como secos; inclúyalos con --flood-classes)",
        "en": "class '{flood_class}': {n} polygon(s), {area_ha} ha, NOT counted as flood (read "
              "as dry; include them with --flood-classes)"},
    "msg.decision_class_unknown": {
        "es": "clase '{flood_class}': {n} polígono(s), {area_ha} ha, NO cuentan como "
              "inundación (se leen como no observados; inclúyalos con --flood-classes)",
        "en": "class '{flood_class}': {n} polygon(s), {area_ha} ha, NOT counted as flood "
              "(read as not observed; include them with --flood-classes)"},
})

STRINGS.update({
    # --- a session's inputs (geo.inputs) ---
    "report.mixed_sample": {
        "es": "*** CON DATOS DE MUESTRA SINTÉTICOS ({layers}) — no aptos para uso operativo ***",
        "en": "*** WITH SYNTHETIC SAMPLE DATA ({layers}) — not for operational use ***"},
    "report.not_given": {"es": "{layer}: no se dieron (se omiten sus resultados)",
                         "en": "{layer}: not given (their results are skipped)"},
    "report.decisions": {"es": "Decisiones (cómo se leyó cada archivo):",
                         "en": "Decisions (how each file was read):"},
    "msg.no_flood_given": {"es": "no se dio ningún escenario de inundación",
                           "en": "no flood scenario given"},
    "fix.no_flood_given": {
        "es": "dé --flood NOMBRE=RUTA (o --with-sample para usar los de la muestra sintética)",
        "en": "give --flood NAME=PATH (or --with-sample to use the synthetic sample's)"},
    "msg.flood_name_twice": {"es": "dos escenarios de inundación se llaman '{name}'",
                             "en": "two flood scenarios are named '{name}'"},
    "fix.flood_name_twice": {"es": "nombre cada uno: --flood NOMBRE=RUTA",
                             "en": "name each one: --flood NAME=PATH"},
    "msg.district_filled": {
        "es": "distrito de {n} elemento(s) completado con los polígonos de distritos",
        "en": "district of {n} feature(s) filled in from the district polygons"},
    "msg.decision_with_sample": {
        "es": "MEZCLADO CON LA MUESTRA SINTÉTICA (--with-sample): {layers}",
        "en": "MIXED WITH THE SYNTHETIC SAMPLE (--with-sample): {layers}"},
    "msg.decision_not_given_centres": {
        "es": "no se dieron albergues: se omite la exposición y la capacidad de albergues",
        "en": "no collective centres given: centre exposure and capacity are skipped"},
    "msg.decision_not_given_communities": {
        "es": "no se dieron comunidades: se omiten personas expuestas y desplazados",
        "en": "no communities given: people exposed and displaced are skipped"},
    "msg.decision_not_given_districts": {
        "es": "no se dieron distritos: no se completan distritos ni se recortan límites",
        "en": "no districts given: districts are not filled in nor boundaries clipped"},
    "msg.decision_not_given_rivers": {
        "es": "no se dieron ríos: sin viaje en bote ni exclusión de cauces",
        "en": "no rivers given: no boat travel and no river channels excluded"},
    "msg.decision_not_given_dem": {
        "es": "no se dio MDE: sin margen de altura para nuevos sitios; extensiones vectoriales "
              "en su propia grilla UTM",
        "en": "no DEM given: no height margin for new sites; vector extents on their own UTM "
              "grid"},
    "msg.decision_not_given_population": {
        "es": "no se dio ráster de población: personas expuestas según la población de cada "
              "comunidad",
        "en": "no population raster given: people exposed from each community's population"},
})

STRINGS.update({
    # --- command line input options (geo.cli) ---
    "msg.cli_option_form": {"es": "{option} '{value}' no tiene la forma NOMBRE=VALOR",
                            "en": "{option} '{value}' is not NAME=VALUE"},
    "fix.cli_option_form": {"es": "p. ej. {option} radar=VALOR (o VALOR para todos)",
                            "en": "e.g. {option} radar=VALUE (or VALUE for every scenario)"},
})


# --- Flood season (geo.season, the Temporada view) -------------------------------------------
STRINGS.update({
    "view_season": {"es": "Temporada", "en": "Season"},
    "season_chart_title": {"es": "Personas expuestas por distrito y fecha",
                           "en": "People exposed by district and date"},
    "season_people_exposed": {"es": "Personas expuestas", "en": "People exposed"},
    "season_intro": {
        "es": "Una temporada de inundación: una extensión por fecha (p. ej. GFM, una por paso "
              "del satélite). Un día cuenta como inundado cuando al menos la mitad del área "
              "observada de la comunidad está inundada; los días sin observación se cuentan "
              "aparte, nunca como secos.",
        "en": "A flood season: one extent per date (e.g. GFM, one per satellite pass). A day "
              "counts as flooded when at least half of the community's observed area is "
              "flooded; unobserved days are counted apart, never as dry.",
    },
    "season_upload_header": {"es": "Cargar extensiones diarias", "en": "Upload daily extents"},
    "season_kind": {"es": "Tipo de las extensiones", "en": "Kind of the extents"},
    "season_kind_auto": {"es": "Deducir del primer archivo", "en": "Guess from the first file"},
    "season_kind_guessed": {
        "es": "Tipo deducido del primer archivo para todas las extensiones: {kind} (puede "
              "elegirlo en «Cargar extensiones diarias»).",
        "en": "Kind guessed from the first file for every extent: {kind} (you can choose it "
              "under “Upload daily extents”)."},

    "season_no_date": {
        "es": "{name}: el nombre del archivo no lleva una fecha AAAA-MM-DD (p. ej. "
              "gfm_2012-04-15.tif); no se usó.",
        "en": "{name}: the file name carries no YYYY-MM-DD date (e.g. gfm_2012-04-15.tif); "
              "it was not used."},
    "season_own_data": {
        "es": "Sus datos no traen una temporada: cargue extensiones con fecha (una por día) "
              "para verla.",
        "en": "Your data carry no season: upload dated extents (one per day) to see one."},
    "season_running": {"es": "Calculando la temporada…", "en": "Computing the season…"},
    "season_centres_table": {"es": "Albergues en la temporada",
                             "en": "Collective centres in the season"},
    "col_days_flooded": {"es": "Días con inundación", "en": "Days flooded"},
    "col_days_dry": {"es": "Días sin inundación", "en": "Days dry"},
    "col_days_unobserved": {"es": "Días sin observación", "en": "Days not observed"},
    "col_first_flooded": {"es": "Primera fecha con inundación", "en": "First flooded"},
    "col_last_flooded": {"es": "Última fecha con inundación", "en": "Last flooded"},
    "col_longest_spell_days": {"es": "Racha más larga (días)",
                               "en": "Longest spell (days)"},
    "col_peak_flooded_share": {"es": "Máximo inundado (%)", "en": "Peak flooded (%)"},
    "col_peak_date": {"es": "Fecha del máximo", "en": "Peak date"},
    "season_upload": {"es": "Extensiones diarias (nombres con fecha AAAA-MM-DD)",
                      "en": "Daily extents (file names with a YYYY-MM-DD date)"},
    "season_none": {
        "es": "Cargue extensiones con fecha para ver una temporada. Con los datos de muestra "
              "se usan los tres escenarios como tres fechas ficticias.",
        "en": "Upload dated extents to see a season. With the sample data the three "
              "scenarios stand for three made-up dates.",
    },
    "season_date": {"es": "Fecha", "en": "Date"},
    "season_map": {"es": "Mapa", "en": "Map"},
    "season_map_days": {"es": "Días inundados en la temporada",
                        "en": "Days flooded in the season"},
    "season_map_day": {"es": "Comunidades el día elegido", "en": "Communities on the chosen date"},
    "season_days_flooded": {"es": "Días inundados", "en": "Days flooded"},
    "season_state_flooded": {"es": "Inundada", "en": "Flooded"},
    "season_state_dry": {"es": "Seca", "en": "Dry"},
    "season_state_unobserved": {"es": "Sin observación", "en": "Not observed"},
    "season_layer_days": {"es": "Días inundados ({n} fechas)", "en": "Days flooded ({n} dates)"},
    "season_layer_day": {"es": "Comunidades el {date}", "en": "Communities on {date}"},
    "season_metric_days": {"es": "Fechas", "en": "Dates"},
    "season_metric_flooded": {"es": "Comunidades inundadas al menos un día",
                              "en": "Communities flooded on at least one day"},
    "season_metric_peak": {"es": "Máximo de personas expuestas",
                           "en": "Most people exposed"},
    "season_table": {"es": "Comunidades en la temporada", "en": "Communities in the season"},
    "season_sample_note": {
        "es": "Muestra: fechas ficticias para los tres escenarios sintéticos.",
        "en": "Sample: made-up dates for the three synthetic scenarios.",
    },
})

# --- Flood season, Dask and drawn areas: problems (geo.season, geo.distributed, geo.analysis) --
STRINGS.update({
    "msg.season_not_a_date": {"es": "'{text}' no es una fecha", "en": "'{text}' is not a date"},
    "fix.season_not_a_date": {"es": "escriba las fechas como AAAA-MM-DD, p. ej. 2012-03-15",
                              "en": "write dates as YYYY-MM-DD, e.g. 2012-03-15"},
    "msg.season_no_date_in_name": {"es": "no hay una fecha en el nombre del archivo {name}",
                                   "en": "no date in the file name {name}"},
    "fix.season_no_date_in_name": {
        "es": "ponga la fecha en el nombre de cada archivo (…_2012-03-15.tif) o dé FECHA=RUTA",
        "en": "name files with their date (…_2012-03-15.tif) or give DATE=PATH"},
    "msg.season_folder_no_raster": {"es": "la carpeta no tiene ningún ráster",
                                    "en": "no raster in the folder"},
    "msg.season_pattern_no_match": {"es": "el patrón no coincide con ningún archivo",
                                    "en": "the pattern matches no file"},
    "msg.season_duplicate_date": {"es": "dos extensiones para el {date}",
                                  "en": "two extents for {date}"},
    "fix.season_duplicate_date": {
        "es": "deje una por fecha (la otra es {other}); junte antes las pasadas de un mismo día",
        "en": "keep one per date (the other is {other}); merge the passes of one day first"},
    "msg.season_duplicate_dates": {"es": "dos extensiones en una misma fecha: {dates}",
                                   "en": "two extents for {dates}"},
    "fix.season_duplicate_dates": {"es": "deje una extensión por fecha",
                                   "en": "keep one extent per date"},
    "msg.season_file_missing": {"es": "{path} no existe", "en": "{path} does not exist"},
    "msg.season_no_sources": {"es": "una temporada necesita al menos una extensión con fecha",
                              "en": "a season needs at least one dated extent"},
    "fix.season_no_sources": {
        "es": "--flood 2012-03-15=extension.tif (se puede repetir), una carpeta, un patrón "
              "como gfm/*.tif o un CSV con filas fecha,ruta",
        "en": "--flood 2012-03-15=extent.tif (repeatable), a folder, a glob or a CSV of "
              "date,path"},
    "msg.season_no_extent": {"es": "una temporada necesita al menos una extensión con fecha",
                             "en": "a season needs at least one dated extent"},
    "msg.season_csv_row_short": {"es": "se esperaba fecha,ruta", "en": "expected date,path"},
    "fix.season_csv_row_short": {
        "es": "escriba en cada fila la fecha y la ruta del ráster, separadas por una coma",
        "en": "write the date and the raster's path on each row, separated by a comma"},
    "msg.season_wet_share_range": {
        "es": "la parte del área observada que debe estar inundada tiene que estar en (0, 1]; "
              "se dio {value}",
        "en": "the wet share must be in (0, 1], got {value}"},
    "fix.season_wet_share_range": {"es": "p. ej. {example}: la mitad del área observada",
                                   "en": "e.g. {example}: half of the observed area"},
    "msg.season_layer_no_crs": {
        "es": "la capa de {layer} necesita un sistema de coordenadas (CRS)",
        "en": "the {layer} need a CRS"},
    "fix.season_layer_no_crs": {"es": "asígnele uno, p. ej. gdf.set_crs('EPSG:4326')",
                                "en": "set one, e.g. gdf.set_crs('EPSG:4326')"},
    "msg.season_not_a_layer": {"es": "los datos de {layer} deben ser una capa con geometrías",
                               "en": "the {layer} must be a layer with geometries"},
    "season_notes": {"es": "Notas de la temporada", "en": "Notes on the season"},
    "msg.dask_not_installed": {
        "es": "el planificador distribuido de Dask no está instalado: no se puede iniciar ni "
              "contactar ningún clúster",
        "en": "Dask's distributed scheduler is not installed, so no cluster can be started or "
              "reached"},
    "fix.dask_not_installed": {
        "es": "instale las dependencias fijadas (pip install -r requirements.txt), o trabaje "
              "en este proceso con --scheduler synchronous",
        "en": "install the pinned requirements (pip install -r requirements.txt), or run in "
              "this process with --scheduler synchronous"},
    "msg.dask_unreachable": {"es": "no se puede conectar con el planificador de Dask en "
                                   "{address}",
                             "en": "cannot reach the Dask scheduler at {address}"},
    "fix.dask_unreachable": {
        "es": "revise la dirección (--scheduler o {env}), o no dé ninguna para trabajar en "
              "esta máquina",
        "en": "check the address (--scheduler or {env}), or give neither to run on this "
              "machine"},
    "msg.area_not_geometry": {"es": "el área no es una geometría",
                              "en": "the area is not a geometry"},
    "fix.area_not_geometry": {"es": "dibuje o dé un polígono", "en": "draw or give a polygon"},
    "msg.area_not_finite": {
        "es": "el área tiene coordenadas que no son números finitos (vacías o infinitas)",
        "en": "the area has coordinates that are not finite numbers (missing or infinite)"},
    "fix.area_not_finite": {"es": "dibuje el área de nuevo, o corrija su archivo",
                            "en": "draw the area again, or fix its file"},
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
    "cli.not_lonlat": {"es": "'{value}' no es LONGITUD,LATITUD en grados",
                       "en": "'{value}' is not LONGITUDE,LATITUDE in degrees"},
    "cli.not_a_date": {"es": "'{value}' no es una fecha AAAA-MM-DD",
                       "en": "'{value}' is not a date YYYY-MM-DD"},
    "cli.decision": {"es": "decisión", "en": "decision"},
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


# --- Problems of the analysis: catchment, travel, siting, areas, scenarios (issue 12) -------
STRINGS.update({
    "msg.layer_no_crs": {"es": "la capa no tiene sistema de coordenadas (CRS)",
                         "en": "the layer has no coordinate reference system (CRS)"},
    "fix.layer_no_crs": {"es": "asígnele uno, p. ej. EPSG:4326",
                         "en": "set one, e.g. EPSG:4326"},
    "msg.no_weight_column": {"es": "no hay columna de peso '{weight_col}'",
                             "en": "no weight column '{weight_col}'"},
    "fix.no_weight_column": {"es": "elija una de: {choices}", "en": "choose one of: {choices}"},
    "msg.weight_not_a_number": {"es": "el peso no es un número",
                                "en": "the weight is not a number"},
    "fix.weight_not_a_number": {"es": "indique las personas como número",
                                "en": "give persons as a number"},
    "msg.weight_negative": {"es": "el peso es negativo", "en": "the weight is negative"},
    "fix.weight_negative": {"es": "indique 0 personas o más", "en": "give persons as 0 or more"},
    "msg.no_centre_id": {"es": "no hay columna 'centre_id'", "en": "no 'centre_id' column"},
    "fix.no_centre_id": {"es": "cargue los albergues con geo.inputs para que tengan código",
                         "en": "load centres with geo.inputs so ids are set"},
    "msg.centres_not_points": {"es": "los albergues deben ser puntos",
                               "en": "centres must be points"},
    "msg.unknown_distance_mode": {"es": "modo de distancia desconocido '{mode}'",
                                  "en": "unknown distance mode '{mode}'"},
    "fix.unknown_distance_mode": {"es": "use 'straight' o 'flood-aware'",
                                  "en": "use 'straight' or 'flood-aware'"},
    "msg.flood_aware_needs_scenario": {
        "es": "las distancias evitando el agua necesitan un escenario de inundación",
        "en": "flood-aware distances need a flood scenario"},
    "fix.flood_aware_needs_scenario": {"es": "indique un escenario o use la línea recta",
                                       "en": "give a scenario, or use mode='straight'"},
    "msg.travel_geographic_raster": {
        "es": "el recorrido evitando el agua necesita un ráster proyectado; {scenario} está en "
              "{crs}",
        "en": "flood-aware travel needs a projected raster; {scenario} is in {crs}"},
    "fix.travel_geographic_raster": {
        "es": "reproyecte antes el ráster de inundación a una zona UTM (p. ej. EPSG:32718)",
        "en": "reproject the flood raster to a UTM zone (e.g. EPSG:32718) first"},
    "msg.travel_no_overlap": {
        "es": "el área de interés {area} no se superpone al ráster de inundación {raster} "
              "(ambos en {crs})",
        "en": "the area of interest {area} does not overlap the flood raster {raster} (both in "
              "{crs})"},
    "fix.travel_no_overlap": {"es": "compruebe que las capas cubren la misma zona",
                              "en": "check that the layers cover the same area"},
    "msg.no_scenario_column": {"es": "no hay columna 'scenario'", "en": "no 'scenario' column"},
    "fix.no_scenario_column": {"es": "use la tabla por escenario del motor de exposición",
                               "en": "pass the exposure engine's per-scenario table"},
    "msg.no_rows_for_scenario": {"es": "no hay filas del escenario '{scenario}'",
                                 "en": "no rows for scenario '{scenario}'"},
    "fix.no_rows_for_scenario": {"es": "elija uno de: {choices}", "en": "choose one of: {choices}"},
    "msg.bbox_west_east": {
        "es": "el oeste {west} debe ser menor que el este {east}, ambos entre -180 y 180",
        "en": "west {west} must be less than east {east}, both within -180..180"},
    "fix.bbox_west_east": {"es": "--bbox OESTE,SUR,ESTE,NORTE en grados",
                           "en": "--bbox WEST,SOUTH,EAST,NORTH in degrees"},
    "msg.bbox_south_north": {
        "es": "el sur {south} debe ser menor que el norte {north}, ambos entre -90 y 90",
        "en": "south {south} must be less than north {north}, both within -90..90"},
    "fix.bbox_south_north": {"es": "--bbox OESTE,SUR,ESTE,NORTE en grados",
                             "en": "--bbox WEST,SOUTH,EAST,NORTH in degrees"},
    "msg.sites_count_below_one": {
        "es": "el número de sitios nuevos debe ser al menos 1; se pidió {k}",
        "en": "the number of new sites must be at least 1, got {k}"},
    "fix.sites_count_below_one": {"es": "pida 1 sitio o más", "en": "ask for 1 or more sites"},
    "msg.demand_and_weight_together": {
        "es": "una capa de demanda y su columna de peso van juntas",
        "en": "a demand layer and its weight column go together"},
    "fix.demand_and_weight_together": {
        "es": "indique las dos, p. ej. --demand puntos.csv --weight personas",
        "en": "give both, e.g. --demand puntos.csv --weight personas"},
    "msg.unknown_layers": {"es": "capa(s) desconocida(s): {layers}",
                           "en": "unknown layer(s): {layers}"},
    "fix.unknown_layers": {"es": "elija entre: {choices}", "en": "choose from: {choices}"},
    "msg.area_no_crs": {"es": "el área dibujada no tiene sistema de coordenadas",
                        "en": "the drawn area has no CRS"},
    "fix.area_no_crs": {"es": "asígnele uno (EPSG:4326)", "en": "set one (EPSG:4326)"},
    "msg.area_not_polygon": {"es": "el área dibujada debe ser un polígono con superficie",
                             "en": "the drawn area must be a polygon with some area"},
    "fix.area_not_polygon": {"es": "dibuje un polígono (no una línea ni un punto)",
                             "en": "draw a polygon (not a line or a point)"},
    # siting: the optimiser's arrays and options
    "msg.siting_cost_not_2d": {
        "es": "la matriz de costos debe tener 2 dimensiones (demanda × sitio); tiene {ndim}",
        "en": "the cost matrix must be 2-D (demand × facility), got {ndim}-D"},
    "msg.siting_weight_count": {"es": "{n_weights} peso(s) para {n_rows} fila(s) de demanda",
                                "en": "{n_weights} weight(s) for {n_rows} demand row(s)"},
    "fix.siting_weight_count": {"es": "indique un peso por fila", "en": "give one weight per row"},
    "msg.siting_weight_invalid": {"es": "los pesos deben ser finitos y 0 o más",
                                  "en": "weights must be finite and 0 or more"},
    "msg.siting_cost_invalid": {"es": "los costos deben ser números de 0 o más (sin valores "
                                      "vacíos)",
                                "en": "costs must be 0 or more (no NaN)"},
    "msg.siting_median_needs_finite": {
        "es": "el modelo de p-mediana necesita un costo finito para cada par",
        "en": "the p-median model needs a finite cost for every pair"},
    "fix.siting_median_needs_finite": {
        "es": "use objective='coverage' o quite los pares inalcanzables",
        "en": "use objective='coverage' or drop unreachable pairs"},
    "msg.siting_existing_count": {
        "es": "{n_flags} indicador(es) de albergue existente para {n_columns} columna(s)",
        "en": "{n_flags} existing flag(s) for {n_columns} column(s)"},
    "fix.siting_existing_count": {"es": "indique uno por columna",
                                  "en": "give one flag per column"},
    "msg.siting_service_distance": {
        "es": "la distancia de servicio debe ser mayor que 0 m; se dio {value}",
        "en": "the service distance must be above 0 m, got {value}"},
    "fix.siting_service_distance": {"es": "indíquela en metros", "en": "give it in metres"},
    "msg.siting_unknown_objective": {"es": "objetivo desconocido '{objective}'",
                                     "en": "unknown objective '{objective}'"},
    "fix.siting_unknown_objective": {
        "es": "use 'coverage' (cobertura máxima) o 'median' (p-mediana)",
        "en": "use 'coverage' (maximal covering) or 'median'"},
    "msg.siting_capacity_count": {
        "es": "{n_values} capacidad(es) para {n_columns} columna(s)",
        "en": "{n_values} capacity value(s) for {n_columns} column(s)"},
    "fix.siting_capacity_count": {"es": "indique una capacidad por columna",
                                  "en": "give one capacity per column"},
    "msg.siting_capacity_invalid": {"es": "las capacidades deben ser 0 personas o más",
                                    "en": "capacities must be 0 persons or more"},
    "msg.siting_zone_invalid": {
        "es": "zonas mal indicadas: una por columna (-1: ninguna) y una capacidad de 0 o más "
              "por zona",
        "en": "zones given wrongly: one per column (-1: none) and a capacity of 0 or more per "
              "zone"},
    "msg.siting_k_out_of_range": {
        "es": "no se pueden elegir {k} sitio(s) nuevo(s) entre {n_free} candidato(s)",
        "en": "cannot choose {k} new site(s) from {n_free} candidate(s)"},
    "fix.siting_k_out_of_range": {"es": "pida de 1 a {n_free} sitios, o dé más candidatos",
                                  "en": "ask for 1 to {n_free} sites, or give more candidates"},
    "msg.siting_k_no_candidates": {
        "es": "no se pueden elegir {k} sitio(s) nuevo(s) entre {n_free} candidato(s)",
        "en": "cannot choose {k} new site(s) from {n_free} candidate(s)"},
    "fix.siting_k_no_candidates": {
        "es": "dé puntos candidatos, o un escenario con celdas secas para generarlos",
        "en": "give candidate points, or a scenario with dry cells to generate them"},
    "msg.siting_median_too_large": {
        "es": "el modelo de p-mediana tendría {n_active} × {n_columns} variables de asignación "
              "(límite {limit})",
        "en": "the p-median model would have {n_active} × {n_columns} assignment variables "
              "(limit {limit})"},
    "fix.siting_median_too_large": {
        "es": "use objective='coverage', menos candidatos o demanda agregada",
        "en": "use objective='coverage', fewer candidates, or aggregated demand"},
    "msg.siting_crs_geographic": {
        "es": "la ubicación de sitios necesita un CRS proyectado en metros; se dio {crs}",
        "en": "siting needs a projected CRS in metres, got {crs}"},
    "fix.siting_crs_geographic": {"es": "use una zona UTM, p. ej. EPSG:32718",
                                  "en": "use a UTM zone, e.g. EPSG:32718"},
    "msg.siting_no_crs": {"es": "la capa no tiene sistema de coordenadas (CRS)",
                          "en": "the layer has no CRS"},
    "fix.siting_no_crs": {"es": "asígnele uno, p. ej. EPSG:4326",
                          "en": "set one, e.g. gdf.set_crs('EPSG:4326')"},
    "msg.siting_unknown_basis": {"es": "base de demanda desconocida '{basis}'",
                                 "en": "unknown demand basis '{basis}'"},
    "fix.siting_unknown_basis": {"es": "use 'unserved' o 'all'", "en": "use 'unserved' or 'all'"},
    "msg.siting_no_candidates_no_scenario": {
        "es": "no hay sitios candidatos ni escenario de inundación para buscar celdas secas",
        "en": "no candidate sites and no flood scenario to find dry cells"},
    "fix.siting_no_candidates_no_scenario": {
        "es": "dé puntos candidatos (--candidates) o un escenario",
        "en": "give candidate points (--candidates) or a scenario"},
    "msg.siting_site_area": {"es": "el área de cada sitio debe ser mayor que 0 m²; se dio {value}",
                             "en": "the area of each site must be above 0 m², got {value}"},
    "fix.siting_site_area": {"es": "indíquela en m² (1 ha = 10 000 m²)",
                             "en": "give it in m² (1 ha = 10,000 m²)"},
    "msg.siting_nothing_to_serve_unserved": {
        "es": "no quedan desplazados por atender: los albergues operativos existentes reciben "
              "a todos los que están a su alcance",
        "en": "no displaced people left to serve: the existing operational centres take "
              "everyone within reach"},
    "fix.siting_nothing_to_serve_unserved": {
        "es": "no hace falta ubicar sitios en este escenario",
        "en": "nothing to site for this scenario; use basis='all' to site for all displaced"},
    "msg.siting_nothing_to_serve_all": {
        "es": "no quedan desplazados por atender: '{column}' vale 0 en todas partes",
        "en": "no displaced people left to serve: '{column}' is 0 everywhere"},
    "fix.siting_nothing_to_serve_all": {"es": "no hace falta ubicar sitios en este escenario",
                                        "en": "nothing to site for this scenario"},
    "msg.siting_time_limit": {
        "es": "CBC se detuvo al límite de {limit_s} s sin probar la mejor respuesta; la mejor "
              "encontrada da lugar a {covered} de {total} personas",
        "en": "CBC stopped at the {limit_s} s time limit before proving the best answer; the "
              "best found covers {covered} of {total} persons (see .best)"},
    "msg.siting_greedy": {
        "es": "CBC no encontró respuesta ({solver_status}) en {limit_s} s; una respuesta "
              "voraz da lugar a {covered} de {total} personas",
        "en": "CBC found no answer ({solver_status}) within {limit_s} s; a greedy answer is in "
              ".best (covers {covered} of {total} persons)"},
    # siting: notes on how the answer was found
    "msg.siting_note_reprojected": {
        "es": "capas reproyectadas a {crs} para medir distancias en metros",
        "en": "layers reprojected to {crs} for distances in metres"},
    "msg.siting_note_no_demand": {
        "es": "ninguna demanda con peso mayor que 0: se devuelven los primeros k candidatos",
        "en": "no demand with weight above 0: the first k candidates are returned"},
    "msg.siting_note_cbc_failed": {"es": "CBC falló: {error}", "en": "CBC failed: {error}"},
    "msg.siting_note_time_limit": {
        "es": "CBC se detuvo al límite de {limit_s} s sin probar la mejor respuesta: se da la "
              "mejor encontrada",
        "en": "CBC stopped at the {limit_s} s time limit before proving the best answer: the "
              "best found is given"},
    "msg.siting_note_greedy": {
        "es": "CBC no encontró respuesta ({solver_status}) en {limit_s} s: sitios añadidos de "
              "uno en uno, cada uno el mejor dados los ya abiertos (voraz)",
        "en": "CBC found no answer ({solver_status}) within {limit_s} s: sites added one at a "
              "time, each the best given those already open (greedy)"},
    "msg.siting_note_demand_unserved": {
        "es": "demanda: personas que los albergues operativos existentes no pueden recibir "
              "(demasiado lejos o llenos), respetando su capacidad",
        "en": "demand: persons left unserved (too far or over capacity) by the existing "
              "operational centres, capacity respected"},
    "msg.siting_note_demand_all": {
        "es": "demanda: todo '{column}'; los albergues operativos existentes siguen abiertos",
        "en": "demand: all of '{column}'; existing operational centres kept open"},
    "msg.siting_note_candidates": {"es": "{n} sitios candidatos generados en celdas aptas",
                                   "en": "{n} candidate sites generated on suitable cells"},
    "msg.siting_note_capacity": {
        "es": "capacidad de cada sitio: su área ({area_m2} m², o menos si la zona apta es más "
              "pequeña) a {m2_per_person} m² por persona (Esfera); los sitios de una misma zona "
              "comparten su capacidad; la demanda que no cabe pasa al siguiente sitio a su "
              "alcance",
        "en": "capacity of each site: its area ({area_m2} m², or less where the suitable zone "
              "is smaller) at {m2_per_person} m² per person (Sphere); sites in one zone share "
              "its capacity; demand above it goes to the next site within reach"},
    "msg.siting_note_capacity_given": {
        "es": "capacidad de cada sitio: la columna capacity_persons de los candidatos",
        "en": "capacity of each site: the candidates' capacity_persons column"},
    "msg.siting_note_dry": {"es": "seco en {scenario} (profundidad menor que {threshold_m} m)",
                            "en": "dry in {scenario} (depth below {threshold_m} m)"},
    "msg.siting_note_margin": {"es": "sigue seco con el río {margin_m} m más alto",
                               "en": "stays dry with the river stage {margin_m} m higher"},
    "msg.siting_note_buffer": {"es": "al menos a {buffer_m} m de las celdas inundadas",
                               "en": "at least {buffer_m} m from flooded cells"},
    "msg.siting_note_channels": {
        "es": "fuera de los cauces ({buffer_m} m a cada lado de las líneas de río)",
        "en": "outside river channels ({buffer_m} m either side of the river lines)"},
    "msg.siting_note_within": {"es": "a menos de {distance_m} m de desplazados",
                               "en": "within {distance_m} m of displaced people"},
    "msg.siting_note_dem_resampled": {
        "es": "MDE {dem} remuestreado (bilineal) a la grilla de inundación de {cell_m} m para el "
              "margen de crecida",
        "en": "DEM {dem} resampled (bilinear) onto the {cell_m} m flood grid for the stage "
              "margin"},
    # why a site was chosen (geo.siting.site_reason)
    "reason.site_adds": {
        "es": "da lugar a {persons} personas sin albergue a menos de {km} km ({names})",
        "en": "gives a place to {persons} persons without one within {km} km ({names})"},
    "reason.site_adds_nothing": {
        "es": "no añade cobertura (toda la demanda a su alcance ya tenía albergue)",
        "en": "adds no new coverage (all demand in reach was already covered)"},
    "reason.site_median": {
        "es": "albergue abierto más cercano para {persons} personas: acorta su recorrido",
        "en": "nearest open centre for {persons} persons, cutting their travel"},
    "reason.site_full": {
        "es": "; lleno ({capacity} personas): otras {rest} a su alcance van a otro sitio o "
              "quedan sin lugar",
        "en": "; full ({capacity} persons): {rest} more within reach go to another site or "
              "stay without a place"},
    "reason.site_nearest": {"es": "; albergue operativo más cercano: {name}, a {km} km",
                            "en": "; nearest operational centre: {name}, {km} km away"},
    "reason.and_more": {"es": "{names} y {n} más", "en": "{names} and {n} more"},
})


# --- The map's controls, legend and proposed sites (issue 12) --------------------------------
STRINGS.update({
    "map.zoom_in": {"es": "Acercar", "en": "Zoom in"},
    "map.zoom_out": {"es": "Alejar", "en": "Zoom out"},
    "map.fullscreen": {"es": "Pantalla completa", "en": "Full screen"},
    "map.fullscreen_exit": {"es": "Salir de pantalla completa", "en": "Exit full screen"},
    "legend_operating": {"es": "Albergues: estado", "en": "Centres: operating status"},
    "legend_hide": {"es": "Ocultar leyenda ▾", "en": "Hide legend ▾"},
    "legend_show": {"es": "Leyenda ▴", "en": "Legend ▴"},
    "legend_op_open": {"es": "Abierto (círculo lleno)", "en": "Open (filled circle)"},
    "legend_op_closed": {"es": "Cerrado (anillo, centro blanco)",
                         "en": "Closed (ring, white centre)"},
    "legend_op_proposed": {"es": "Propuesto (borde negro discontinuo)",
                           "en": "Proposed (dashed black outline)"},
    "site_title": {"es": "Sitio nuevo {rank}", "en": "New site {rank}"},
    "col_served_persons": {"es": "Personas que recibe", "en": "Persons it takes"},
    "col_in_reach_persons": {"es": "Personas sin albergue a su alcance",
                             "en": "Persons without a place within reach"},
    "col_site_area_m2": {"es": "Área del sitio (m²)", "en": "Site area (m²)"},
    "col_site_area_needed_m2": {"es": "Área de sitio necesaria (m²)",
                                "en": "Site area needed (m²)"},
    "col_nearest_existing": {"es": "Albergue operativo más cercano",
                             "en": "Nearest operational centre"},
    # Leaflet.draw's own texts (L.drawLocal), used by layers.map.draw_locale
    "drawlocal.draw.toolbar.actions.title": {"es": "Cancelar el dibujo",
                                             "en": "Cancel drawing"},
    "drawlocal.draw.toolbar.actions.text": {"es": "Cancelar", "en": "Cancel"},
    "drawlocal.draw.toolbar.finish.title": {"es": "Terminar el dibujo", "en": "Finish drawing"},
    "drawlocal.draw.toolbar.finish.text": {"es": "Terminar", "en": "Finish"},
    "drawlocal.draw.toolbar.undo.title": {"es": "Borrar el último punto dibujado",
                                          "en": "Delete last point drawn"},
    "drawlocal.draw.toolbar.undo.text": {"es": "Borrar el último punto",
                                         "en": "Delete last point"},
    "drawlocal.draw.toolbar.buttons.polygon": {"es": "Dibujar un polígono",
                                               "en": "Draw a polygon"},
    "drawlocal.draw.toolbar.buttons.rectangle": {"es": "Dibujar un rectángulo",
                                                 "en": "Draw a rectangle"},
    "drawlocal.draw.handlers.polygon.tooltip.start": {
        "es": "Haga clic para empezar a dibujar el área.",
        "en": "Click to start drawing shape."},
    "drawlocal.draw.handlers.polygon.tooltip.cont": {
        "es": "Haga clic para seguir dibujando el área.",
        "en": "Click to continue drawing shape."},
    "drawlocal.draw.handlers.polygon.tooltip.end": {
        "es": "Haga clic en el primer punto para cerrar el área.",
        "en": "Click first point to close this shape."},
    "drawlocal.draw.handlers.polyline.error": {
        "es": "<strong>Error:</strong> ¡los bordes del área no pueden cruzarse!",
        "en": "<strong>Error:</strong> shape edges cannot cross!"},
    "drawlocal.draw.handlers.polyline.tooltip.start": {
        "es": "Haga clic para empezar a dibujar la línea.",
        "en": "Click to start drawing line."},
    "drawlocal.draw.handlers.polyline.tooltip.cont": {
        "es": "Haga clic para seguir dibujando la línea.",
        "en": "Click to continue drawing line."},
    "drawlocal.draw.handlers.polyline.tooltip.end": {
        "es": "Haga clic en el último punto para terminar la línea.",
        "en": "Click last point to finish line."},
    "drawlocal.draw.handlers.rectangle.tooltip.start": {
        "es": "Haga clic y arrastre para dibujar un rectángulo.",
        "en": "Click and drag to draw rectangle."},
    "drawlocal.draw.handlers.simpleshape.tooltip.end": {
        "es": "Suelte el ratón para terminar el dibujo.",
        "en": "Release mouse to finish drawing."},
    "drawlocal.edit.toolbar.actions.save.title": {"es": "Guardar los cambios",
                                                  "en": "Save changes"},
    "drawlocal.edit.toolbar.actions.save.text": {"es": "Guardar", "en": "Save"},
    "drawlocal.edit.toolbar.actions.cancel.title": {
        "es": "Cancelar la edición y descartar los cambios",
        "en": "Cancel editing, discards all changes"},
    "drawlocal.edit.toolbar.actions.cancel.text": {"es": "Cancelar", "en": "Cancel"},
    "drawlocal.edit.toolbar.actions.clearAll.title": {"es": "Borrar todas las áreas",
                                                      "en": "Clear all layers"},
    "drawlocal.edit.toolbar.actions.clearAll.text": {"es": "Borrar todo", "en": "Clear all"},
    "drawlocal.edit.toolbar.buttons.edit": {"es": "Editar las áreas", "en": "Edit layers"},
    "drawlocal.edit.toolbar.buttons.editDisabled": {"es": "No hay áreas que editar",
                                                    "en": "No layers to edit"},
    "drawlocal.edit.toolbar.buttons.remove": {"es": "Borrar áreas", "en": "Delete layers"},
    "drawlocal.edit.toolbar.buttons.removeDisabled": {"es": "No hay áreas que borrar",
                                                      "en": "No layers to delete"},
    "drawlocal.edit.handlers.edit.tooltip.text": {
        "es": "Arrastre los vértices o el marcador para editar.",
        "en": "Drag handles or markers to edit features."},
    "drawlocal.edit.handlers.edit.tooltip.subtext": {
        "es": "Haga clic en Cancelar para deshacer los cambios.",
        "en": "Click cancel to undo changes."},
    "drawlocal.edit.handlers.remove.tooltip.text": {
        "es": "Haga clic en un área para borrarla.",
        "en": "Click on a feature to remove."},
})


# --- Readable tables (geo.tables) -------------------------------------------------------------
STRINGS.update({
    "col_assigned_persons": {"es": "Personas asignadas", "en": "Persons assigned"},
    "col_distance_nearest_m": {"es": "Distancia al albergue más cercano (m)",
                               "en": "Distance to the nearest centre (m)"},
    "need_unit.water_l_per_day": {"es": "litros por día", "en": "litres per day"},
    "need_unit.covered_space_m2": {"es": "m² techados", "en": "m² covered"},
    "need_unit.latrines": {"es": "letrinas", "en": "latrines"},
    "need_unit.showers": {"es": "duchas", "en": "showers"},
    "need_unit.hygiene_kits": {"es": "kits", "en": "kits"},
    "need_unit.kitchen_kits": {"es": "kits", "en": "kits"},
    "need_source.water_l_per_day": {
        "es": "Esfera, agua: al menos 15 l por persona y día",
        "en": "Sphere WASH: at least 15 l per person per day"},
    "need_source.covered_space_m2": {
        "es": "Esfera, alojamiento (norma 3): 3,5 m² techados por persona",
        "en": "Sphere shelter standard 3: 3.5 m² covered space per person"},
    "need_source.latrines": {
        "es": "Esfera, excretas: 1 letrina por 20 personas (1 por 50 al inicio)",
        "en": "Sphere excreta standard: 1 toilet per 20 people (1 per 50 at first)"},
    "need_source.showers": {
        "es": "Lectura de la OIM de Esfera: 1 ducha por 20 personas",
        "en": "IOM reading of Sphere: 1 shower per 20 people"},
    "need_source.hygiene_kits": {
        "es": "Un kit de higiene por familia (práctica de la OIM en artículos no alimentarios, "
              "Loreto 2012)",
        "en": "One hygiene kit per family (IOM NFI practice, Loreto 2012)"},
    "need_source.kitchen_kits": {
        "es": "Un kit de cocina por familia (práctica de la OIM en artículos no alimentarios, "
              "Loreto 2012)",
        "en": "One kitchen kit per family (IOM NFI practice, Loreto 2012)"},
})


# --- Planning workspace (geo.workspace) -------------------------------------------------------
STRINGS.update({
    "msg.workspace_input_unreadable": {
        "es": "no se puede leer el archivo de la capa {layer} para guardarlo en el trabajo",
        "en": "the file of layer {layer} cannot be read to save it in the workspace"},
    "fix.workspace_input_unreadable": {
        "es": "vuelva a cargar esa capa y guarde de nuevo",
        "en": "load that layer again and save again"},
    "msg.workspace_not_gpkg_name": {"es": "un trabajo se guarda como GeoPackage (.gpkg)",
                                    "en": "a workspace is saved as a GeoPackage (.gpkg)"},
    "fix.workspace_not_gpkg_name": {"es": "use un nombre que termine en .gpkg",
                                    "en": "give a name ending in .gpkg"},
    "msg.workspace_missing": {"es": "el archivo no existe", "en": "the file does not exist"},
    "fix.workspace_missing": {"es": "compruebe el nombre y la carpeta",
                              "en": "check the name and the folder"},
    "msg.workspace_not_gpkg": {
        "es": "no es un trabajo de Crecida: el archivo no es un GeoPackage legible",
        "en": "not a Crecida workspace: the file is not a readable GeoPackage"},
    "fix.workspace_not_gpkg": {
        "es": "abra el archivo .gpkg guardado con «Guardar trabajo»",
        "en": "open the .gpkg file saved with “Save work”"},
    "msg.workspace_not_crecida": {
        "es": "este GeoPackage no es un trabajo de Crecida (no tiene la tabla crecida_workspace)",
        "en": "this GeoPackage is not a Crecida workspace (it has no crecida_workspace table)"},
    "fix.workspace_not_crecida": {
        "es": "para usar sus capas, cárguelas en «Sus datos»; para abrir un trabajo, elija el "
              "archivo guardado con «Guardar trabajo»",
        "en": "to use its layers, upload them under “Your data”; to open a workspace, choose "
              "the file saved with “Save work”"},
    "msg.workspace_newer": {
        "es": "el trabajo tiene el formato {version}, de una versión más nueva de Crecida "
              "({made_by}); esta versión lee hasta el formato {supported}",
        "en": "the workspace is in format {version}, from a newer Crecida ({made_by}); this "
              "version reads up to format {supported}"},
    "fix.workspace_newer": {
        "es": "actualice Crecida, o pida a quien lo guardó las capas por separado",
        "en": "update Crecida, or ask whoever saved it for the layers separately"},
    "msg.workspace_retired": {
        "es": "el trabajo tiene el formato {version} (Crecida {made_by}), que esta versión ya "
              "no lee",
        "en": "the workspace is in format {version} (Crecida {made_by}), which this version no "
              "longer reads"},
    "fix.workspace_retired": {
        "es": "ábralo con la versión de Crecida que lo guardó y expórtelo, o cargue sus capas "
              "de nuevo",
        "en": "open it with the Crecida version that saved it and export it, or load its "
              "layers again"},
    "msg.workspace_damaged": {
        "es": "el archivo de la capa {layer} está dañado (no coincide con su suma de control)",
        "en": "the file of layer {layer} is damaged (it does not match its checksum)"},
    "msg.workspace_with_inputs": {
        "es": "--workspace ya trae sus capas: no se puede combinar con {options}",
        "en": "--workspace brings its own layers: it cannot be combined with {options}"},
    "fix.workspace_with_inputs": {
        "es": "use solo --workspace, o solo las opciones de capas",
        "en": "give --workspace alone, or the layer options alone"},
    "fix.workspace_damaged": {
        "es": "pida una nueva copia del trabajo", "en": "ask for a new copy of the workspace"},
})


# --- The app's page, views, export and workspace (issue 12) -----------------------------------
STRINGS.update({
    "uploader_button": {"es": "Elegir archivo", "en": "Browse files"},
    "uploader_instructions": {"es": "o arrástrelo aquí · hasta {limit_mb} MB",
                              "en": "or drag and drop it here · up to {limit_mb} MB"},
    "exposure_running": {"es": "Calculando la exposición…",
                         "en": "Computing the exposure…"},
    "catchment_running": {"es": "Calculando la cobertura de los albergues…",
                          "en": "Computing the centres' catchment…"},
    "capacity_caption": {
        "es": "Solo los albergues operativos reciben desplazados: para los inundados, "
              "aislados o cerrados no se muestran desplazados asignados ni capacidad libre.",
        "en": "Only operational centres take displaced people: flooded, isolated or closed "
              "centres show no incoming displaced and no spare capacity."},
    # new centres
    "site_area_ha": {"es": "Área de cada sitio (ha)", "en": "Area of each site (ha)"},
    "site_area_help": {
        "es": "Terreno disponible para cada sitio nuevo. Cada sitio recibe su área ÷ 45 m² por "
              "persona (Esfera: sitio con servicios); nunca más que la zona apta donde está. "
              "La demanda que no cabe pasa al siguiente sitio a su alcance.",
        "en": "Land available for each new site. Each site takes its area ÷ 45 m² per person "
              "(Sphere: a site with services); never more than the suitable zone it lies in. "
              "Demand above it goes to the next site within reach."},
    "optimise_hint": {
        "es": "Elija cuántos sitios, su área y el objetivo, y pulse «Proponer sitios». Los "
              "sitios aparecen en el mapa como rombos numerados.",
        "en": "Choose how many sites, their area and the objective, and press “Propose "
              "sites”. The sites show on the map as numbered diamonds."},
    "optimise_not_proven": {
        "es": "El optimizador no probó la mejor respuesta en {limit_s} s: se muestra la mejor "
              "que encontró.",
        "en": "The optimiser did not prove the best answer within {limit_s} s: the best it "
              "found is shown."},
    "plan_stale": {
        "es": "Estos sitios se calcularon con {k} sitios, objetivo «{objective}» y {area_ha} ha "
              "por sitio. Pulse «Proponer sitios» para calcularlos con los valores de arriba.",
        "en": "These sites were computed for {k} sites, objective “{objective}” and {area_ha} "
              "ha per site. Press “Propose sites” to compute them with the values above."},
    "plan_dropped": {
        "es": "Se quitaron los sitios propuestos porque cambió el escenario, los datos o un "
              "parámetro. Vuelva a pulsar «Proponer sitios».",
        "en": "The proposed sites were removed because the scenario, the data or a parameter "
              "changed. Press “Propose sites” again."},
    "plan_notes": {"es": "Cómo se eligieron los sitios", "en": "How the sites were chosen"},
    "m_new_placed": {"es": "Personas con lugar en los sitios nuevos",
                     "en": "Persons given a place by the new sites"},
    "m_sites_capacity": {"es": "Capacidad de los sitios nuevos",
                         "en": "Capacity of the new sites"},
    "m_still_unplaced": {"es": "Siguen sin lugar", "en": "Still without a place"},
    "draw_count": {"es": "Se evalúa la última de las {total} áreas dibujadas.",
                   "en": "The latest of the {total} areas drawn is evaluated."},
    "draw_clear": {"es": "Borrar las áreas dibujadas", "en": "Clear the drawn areas"},
    # export
    "fmt_excel": {"es": "Excel (CSV)", "en": "Excel (CSV)"},
    "fmt_excel_help": {
        "es": "Tablas para Excel: se abren con doble clic en un Excel en español (separador «;», "
              "coma decimal, acentos correctos). Varias capas: un .zip con un archivo por capa.",
        "en": "Tables for Excel: they open with a double click in English-language Excel "
              "(comma separator, decimal point, accents kept). Several layers: a .zip with one "
              "file per layer."},
    "fmt_kmz": {"es": "Google Earth (KMZ)", "en": "Google Earth (KMZ)"},
    "fmt_kmz_help": {"es": "Para abrir en Google Earth o Google My Maps, con los colores del mapa.",
                     "en": "To open in Google Earth or Google My Maps, coloured like the map."},
    "fmt_gpkg": {"es": "QGIS (GeoPackage)", "en": "QGIS (GeoPackage)"},
    "fmt_gpkg_help": {
        "es": "Todas las capas en un archivo para QGIS, con sus estilos; la profundidad del "
              "agua va aparte como GeoTIFF.",
        "en": "Every layer in one file for QGIS, with its styles; the water depth comes "
              "separately as a GeoTIFF."},
    "fmt_pdf": {"es": "Imprimir (PDF)", "en": "Print (PDF)"},
    "fmt_pdf_help": {
        "es": "Mapa de una página para la reunión de coordinación: leyenda, escala, norte, "
              "resumen y fuentes.",
        "en": "A one-page map for the coordination meeting: legend, scale, north arrow, "
              "summary and sources."},
    "fmt_png": {"es": "Presentación (imagen PNG)", "en": "Slides (PNG picture)"},
    "fmt_png_help": {"es": "El mismo mapa como imagen, para una presentación o un mensaje.",
                     "en": "The same map as a picture, for slides or a message."},
    "fmt_html": {"es": "Mapa interactivo sin conexión (HTML)",
                 "en": "Offline interactive map (HTML)"},
    "fmt_html_help": {
        "es": "Un solo archivo que se abre en el navegador sin internet (por ejemplo desde una "
              "memoria USB).",
        "en": "One file that opens in a browser without internet (for instance from a USB "
              "stick)."},
    "fmt_shp": {"es": "SIG: Shapefile (.zip)", "en": "GIS: Shapefile (.zip)"},
    "fmt_shp_help": {"es": "Para programas SIG que solo leen Shapefile.",
                     "en": "For GIS programs that only read shapefiles."},
    "fmt_geojson": {"es": "Web: GeoJSON", "en": "Web: GeoJSON"},
    "fmt_geojson_help": {"es": "Para mapas web y programadores.",
                         "en": "For web maps and programmers."},
    "fmt_tif": {"es": "Profundidad del agua (GeoTIFF)", "en": "Water depth (GeoTIFF)"},
    "fmt_tif_help": {"es": "La profundidad del agua por clases, como imagen georreferenciada.",
                     "en": "The water depth by class, as a georeferenced picture."},
    "export_hxl": {"es": "Añadir la fila de etiquetas HXL (para HDX)",
                   "en": "Add the HXL tag row (for HDX)"},
    "export_layers_placeholder": {"es": "Elija las capas", "en": "Choose the layers"},
    "export_progress_start": {"es": "Preparando la descarga…", "en": "Preparing the download…"},
    "export_progress_layer": {"es": "Preparando la capa {i} de {n}: {layer}…",
                              "en": "Preparing layer {i} of {n}: {layer}…"},
    "export_progress_write": {"es": "Escribiendo el archivo para {format}…",
                              "en": "Writing the file for {format}…"},
    "export_progress_done": {"es": "Listo: {name} ({size})", "en": "Ready: {name} ({size})"},
    "export_download": {"es": "Descargar — {format} ({size})",
                        "en": "Download — {format} ({size})"},
    "export_companion": {"es": "Descargar la profundidad del agua para QGIS — GeoTIFF ({size})",
                         "en": "Download the water depth for QGIS — GeoTIFF ({size})"},
    "export_layer_centres_capacity": {"es": "Albergues con capacidad",
                                      "en": "Centres with capacity"},
    "export_layer_new_sites": {"es": "Sitios propuestos", "en": "Proposed sites"},
    "export_layer_evaluated_areas": {"es": "Áreas dibujadas y evaluadas",
                                     "en": "Drawn and evaluated areas"},
    "export_layer_assignments": {"es": "Comunidades asignadas a albergues",
                                 "en": "Communities assigned to centres"},
    "export_layer_coverage": {"es": "Cobertura de los sitios propuestos",
                              "en": "Coverage of the proposed sites"},
    "export_layer_catchments": {"es": "Zonas de cobertura", "en": "Catchment zones"},
    "export_layer_flood_extent": {"es": "Zona inundada", "en": "Flooded area"},
    # workspace
    "ws_header": {"es": "Trabajo: guardar y abrir", "en": "Work: save and open"},
    "ws_help": {
        "es": "«Guardar trabajo» descarga un archivo .gpkg con las capas usadas, los "
              "parámetros, las áreas dibujadas, los sitios propuestos y sus notas. Ábralo aquí "
              "más tarde, o envíelo a un colega: verá los mismos resultados.",
        "en": "“Save work” downloads a .gpkg file with the layers used, the parameters, the "
              "drawn areas, the proposed sites and your notes. Open it here later, or send it "
              "to a colleague: they will see the same results."},
    "ws_open": {"es": "Abrir trabajo (.gpkg)", "en": "Open work (.gpkg)"},
    "ws_open_failed": {"es": "No se pudo abrir {name}:", "en": "{name} could not be opened:"},
    "ws_opened": {"es": "Trabajo abierto: {name}", "en": "Work opened: {name}"},
    "ws_notes": {"es": "Notas", "en": "Notes"},
    "ws_notes_placeholder": {"es": "Acuerdos, pendientes, fuentes…",
                             "en": "Agreements, pending items, sources…"},
    "ws_save": {"es": "Guardar trabajo", "en": "Save work"},
    "ws_file_name": {"es": "crecida_trabajo.gpkg", "en": "crecida_work.gpkg"},
})

# --- what `validate` prints (geo.inputs.validation_report) -----------------------------------
STRINGS.update({
    "report.title": {"es": "Crecida — validación de los datos", "en": "Crecida — input validation"},
    "report.sample_only": {
        "es": "Datos: muestra SINTÉTICA de Iquitos incluida — no apta para uso operativo.",
        "en": "Data: bundled SYNTHETIC Iquitos sample — not for operational use."},
    "report.layer_centres": {"es": "Albergues", "en": "Collective centres"},
    "report.layer_communities": {"es": "Comunidades ribereñas", "en": "River communities"},
    "report.count_source": {"es": "{layer}: {n}  (fuente: {file})",
                            "en": "{layer}: {n}  (source: {file})"},
    "report.centre_totals": {
        "es": "familias: {families}   personas: {persons}   capacidad: {capacity} personas "
              "({with_capacity} albergues con capacidad)",
        "en": "families: {families}   persons: {persons}   capacity: {capacity} persons "
              "({with_capacity} centres with a capacity)"},
    "report.statuses": {"es": "estado: {items}", "en": "status: {items}"},
    "report.kinds": {"es": "tipos: {items}", "en": "kinds: {items}"},
    "report.outside": {"es": "fuera del área de estudio: {n}",
                       "en": "outside the study area: {n}"},
    "report.extent_lonlat": {"es": "extensión (lon/lat): {bounds}",
                             "en": "extent (lon/lat): {bounds}"},
    "report.derived": {"es": ", {n} con límites derivados", "en": ", {n} with derived boundaries"},
    "report.community_totals": {"es": "población: {population}   hogares: {households}",
                                "en": "population: {population}   households: {households}"},
    "report.scenarios": {"es": "Escenarios de inundación: {n}", "en": "Flood scenarios: {n}"},
    "report.scenario": {
        "es": "- {name}: {kind}, {width}×{height} celdas de {res} ({unit}), {crs}, nodata "
              "{nodata} = {meaning}",
        "en": "- {name}: {kind}, {width}×{height} cells of {res} ({unit}), {crs}, nodata "
              "{nodata} = {meaning}"},
    "report.scenario_extent": {"es": "extensión: {bounds}  (archivo: {file})",
                               "en": "extent: {bounds}  (file: {file})"},
    "report.kind_depth": {"es": "profundidad", "en": "depth"},
    "report.kind_extent": {"es": "extensión", "en": "extent"},
    "report.kind_water_level": {"es": "nivel del agua", "en": "water_level"},
    "report.nodata_unobserved": {"es": "no observado", "en": "unobserved"},
    "report.nodata_dry": {"es": "seco", "en": "dry"},
    "report.nodata_not_set": {"es": "no definido", "en": "not set"},
    "report.districts": {"es": "Distritos: {n} ({names})", "en": "Districts: {n} ({names})"},
    "report.rivers": {"es": "Ríos: {n} ({names})", "en": "Rivers: {n} ({names})"},
    "report.raster_dem": {"es": "MDE", "en": "DEM"},
    "report.raster_population": {"es": "Ráster de población", "en": "Population raster"},
    "report.raster": {"es": "{layer}: {width}×{height} celdas de {res} ({unit}), {crs} ({file})",
                      "en": "{layer}: {width}×{height} cells of {res} ({unit}), {crs} ({file})"},
    "report.decided_flood": {"es": "inundación:{name}", "en": "flood:{name}"},
    "report.warnings": {"es": "Avisos ({n}):", "en": "Warnings ({n}):"},
    "report.no_warnings": {"es": "Avisos: ninguno", "en": "Warnings: none"},
})

# --- what each command prints when it is done (geo.cli) --------------------------------------
STRINGS.update({
    "cli.wrote_file": {"es": "se escribió {out}", "en": "wrote {out}"},
    "cli.wrote_layers": {"es": "se escribió {out}: {layers}", "en": "wrote {out}: {layers}"},
    "cli.layer_rows": {"es": "{layer} ({n} filas)", "en": "{layer} ({n} rows)"},
    "cli.wrote_export": {"es": "se escribió {out} ({format}; escenario {scenario})",
                         "en": "wrote {out} ({format}; scenario {scenario})"},
    "cli.catchment_summary": {
        "es": "{scenario}: {displaced} desplazados (estimación); {overcrowded} albergue(s) "
              "sobrepoblado(s); {unserved} desplazados sin lugar",
        "en": "{scenario}: {displaced} displaced (estimate); {overcrowded} centre(s) "
              "overcrowded; {unserved} displaced without a place"},
    "cli.siting_summary": {
        "es": "{scenario}: {n} sitio(s) nuevo(s) propuesto(s) ({objective}, distancia de "
              "servicio {distance_m} m)",
        "en": "{scenario}: {n} new site(s) proposed ({objective}, service distance "
              "{distance_m} m)"},
    "cli.site": {"es": "- {site}: +{persons} personas cubiertas en {lat}, {lon}",
                 "en": "- {site}: +{persons} persons covered at {lat}, {lon}"},
    "cli.evaluate_title": {"es": "Área evaluada con {scenario} ({label}):",
                           "en": "Area evaluated under {scenario} ({label}):"},
    "cli.area.label": {"es": "Nombre", "en": "Name"},
    "cli.area.covered_area_needed_m2": {"es": "Área techada necesaria (m²)",
                                        "en": "Covered area needed (m²)"},
    "cli.area.n_demand_within": {
        "es": "Lugares con desplazados a menos de la distancia de servicio",
        "en": "Places with displaced within the service distance"},
    "cli.area.flood": {"es": "Situación con {scenario}", "en": "Status under {scenario}"},
    "cli.stage.col_stage": {"es": "cota (m)", "en": "stage (m)"},
    "cli.stage.col_flooded": {"es": "albergues inundados", "en": "centres flooded"},
    "cli.stage.col_isolated": {"es": "albergues aislados", "en": "centres isolated"},
    "cli.stage.col_exposed": {"es": "personas expuestas", "en": "people exposed"},
    "cli.forecast_from": {"es": "Pronóstico desde el {date}:", "en": "Forecast from {date}:"},
    "cli.forecast_flooded": {"es": " — se inundan: {names}", "en": " — flooded: {names}"},
    "cli.season_summary": {
        "es": "temporada {first} – {last}: {n} extensiones, {tasks} tareas; {flooded} de "
              "{total} comunidades inundadas al menos un día",
        "en": "season {first} – {last}: {n} extents, {tasks} tasks; {flooded} of {total} "
              "communities flooded on at least one day"},
    "msg.cli_workers_too_few": {"es": "--workers debe ser al menos 1, no {value}",
                                "en": "--workers must be at least 1, got {value}"},
    "msg.cli_wet_share_range": {"es": "--wet-share debe estar en (0, 1], no {value}",
                                "en": "--wet-share must be in (0, 1], got {value}"},
    "fix.cli_wet_share_range": {"es": "p. ej. 0.5 para la mitad del área observada",
                                "en": "e.g. 0.5 for half of the observed area"},
})

# --- notes of the analysis (geo.catchment, geo.travel, geo.exposure, geo.season) -------------
STRINGS.update({
    "word.centres": {"es": "albergues", "en": "centres"},
    "word.communities": {"es": "comunidades", "en": "communities"},
    "word.districts": {"es": "distritos", "en": "districts"},
    "word.rivers": {"es": "ríos", "en": "rivers"},
    "word.dem": {"es": "MDE", "en": "dem"},
    "word.population": {"es": "población", "en": "population"},
    "word.inputs": {"es": "datos en conjunto", "en": "inputs"},
    "msg.catchment_note_metric_crs": {
        "es": "distancias y áreas en metros en {crs} (el ráster de inundación está en grados)",
        "en": "distances and areas in metres in {crs} (the flood raster is in degrees)"},
    "msg.catchment_note_no_status": {
        "es": "los albergues no traen '{column}': todo albergue abierto se toma como operativo",
        "en": "centres carry no '{column}': every open centre is taken as operational"},
    "msg.catchment_note_capacity": {
        "es": "capacidad respetada: primero se atienden los pares demanda–albergue más "
              "cercanos; lo que no cabe va al siguiente albergue más cercano con lugar",
        "en": "capacity respected: closest demand–centre pairs served first, overflow sent to "
              "the next nearest centre with room"},
    "msg.catchment_note_capacity_unknown": {
        "es": "{n} albergue(s) sin capacidad ni área techada: capacidad desconocida, nunca "
              "cuentan como sobrepoblados",
        "en": "{n} centre(s) without capacity or covered area: capacity unknown, never counted "
              "as overcrowded"},
    "msg.catchment_note_no_centre": {
        "es": "ningún albergue operativo en este escenario: toda la demanda queda sin lugar",
        "en": "no operational centre in this scenario: all demand is unserved"},
    "msg.travel_note_coarsened": {
        "es": "grilla de viaje agrandada {factor}× a celdas de {cell_m} m ({width}×{height}); "
              "cada celda toma la profundidad mediana de su bloque",
        "en": "travel grid coarsened {factor}× to {cell_m} m cells ({width}×{height}); each "
              "cell takes the median depth of its block"},
    "msg.travel_note_no_data_dry": {
        "es": "las celdas sin dato de inundación se toman como terreno seco",
        "en": "cells without flood data are taken as dry ground"},
    "msg.travel_note_boats": {
        "es": "botes a {speed_kmh} km/h a menos de {buffer_m} m de los ríos",
        "en": "boats at {speed_kmh} km/h within {buffer_m} m of the river lines"},
    "msg.travel_note_boats_floodwater": {
        "es": "botes a {speed_kmh} km/h a menos de {buffer_m} m de los ríos y sobre el agua "
              "de la inundación conectada a ellos",
        "en": "boats at {speed_kmh} km/h within {buffer_m} m of the river lines and on the "
              "floodwater connected to them"},
    "msg.travel_note_snapped": {
        "es": "los puntos sobre el agua o fuera de la grilla parten de la celda transitable más "
              "cercana; ese tramo se cuenta a pie",
        "en": "points on water or off the grid start from the nearest passable cell, that step "
              "counted at walking speed"},
    "msg.exposure_note_reprojected": {
        "es": "{what} reproyectados de {crs} al sistema de coordenadas del ráster {raster_crs} "
              "({raster}); el ráster no se remuestreó",
        "en": "{what} reprojected from {crs} to the raster's CRS {raster_crs} ({raster}); the "
              "raster was not resampled"},
    "msg.exposure_note_no_area": {
        "es": "se dejan fuera {n} {what} sin área (geometría vacía, nula o no poligonal)",
        "en": "{n} {what} with no area (empty, null or not polygons) left out"},
    "msg.season_note_kind_guessed": {
        "es": "tipo de todas las extensiones deducido como '{kind}' a partir de {file}; "
              "elíjalo con --flood-kind",
        "en": "kind of every extent guessed as '{kind}' from {file}; set it with --flood-kind"},
    "msg.season_note_crs": {
        "es": "las extensiones están en más de un sistema de coordenadas: los vectores se "
              "reproyectaron a cada uno; los rásteres no se remuestrearon",
        "en": "the extents are in more than one CRS: the vectors were reprojected to each; "
              "rasters were not resampled"},
    "msg.season_note_tasks": {
        "es": "{days} extensiones en {grids} grilla(s), {tasks} tareas; un día cuenta como "
              "inundado cuando ≥ {wet_share} del área observada está inundada (profundidad ≥ "
              "{threshold_m} m); los días sin observación se cuentan aparte",
        "en": "{days} extents on {grids} grid(s), {tasks} tasks; a day counts as flooded when "
              "≥ {wet_share} of the observed area is flooded (depth ≥ {threshold_m} m); "
              "unobserved days are counted apart"},
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
