"""Apache Spark MLlib: its saved Word2Vec models read without a JVM (`model_files`, pyarrow only)
and training on a Spark cluster (`engine`, needs pyspark and Java)."""
