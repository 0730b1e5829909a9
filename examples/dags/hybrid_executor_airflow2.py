"""Airflow 2.11+ on airflow-platform: `CeleryKubernetesExecutor`.

Tasks run on the Celery workers, except those on the `kubernetes` queue (`airflow.kubernetesQueue`, which the
platform writes to `[celery_kubernetes_executor] kubernetes_queue`): each of those runs in a pod of its own.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

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
        queue="kubernetes",
    )

    light >> heavy
