"""LessonLink core: configuration, domain rules and services."""
