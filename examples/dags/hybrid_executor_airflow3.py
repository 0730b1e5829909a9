"""Airflow 3.x on airflow-platform: the multi-executor `CeleryExecutor,KubernetesExecutor`.

The first executor listed (Celery) is the default; a task names `executor="KubernetesExecutor"` to run in a pod of its
own on the spot pool (more memory, a different image, isolation).
"""

from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

with DAG(
    dag_id="example_hybrid_executor",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    # Spot capacity: a reclaimed node kills the task; retries bring it back on another node.
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2)},
    tags=["example", "airflow-platform"],
):
    light = BashOperator(task_id="light", bash_command="echo 'on a Celery worker'")

    heavy = BashOperator(
        task_id="heavy",
        bash_command="echo 'in a pod of its own'",
        executor="KubernetesExecutor",
    )

    light >> heavy
